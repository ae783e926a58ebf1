"""A small, predictable extractor and a loopback web server for the search and sources tests."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web
from sqlalchemy import func, select

from knowledge.dates import PartialDate
from knowledge.db import Database
from knowledge.extract.base import ArticleDoc, ClaimDraft, DevelopmentDraft, Extraction
from knowledge.gazetteer import Gazetteer
from knowledge.schema import Article, Claim, Development, Evidence
from knowledge.values import Quantity, Text

WEB = Path(__file__).resolve().parents[1] / "fixtures" / "web"

_NAMES = {"BYD": "byd", "Xpeng": "xpeng", "Nio": "nio", "Li Auto": "li-auto"}
_TOPICS = [
    (r"deliver|sold|sales", "sales"),
    (r"driver-assistance|driving|XNGP|robotaxi|Level \d", "smart_driving"),
    (r"plant|factory", "products"),
    (r"overseas|Europe|Brazil", "overseas"),
]
_MONTHS = {"October": 10, "September": 9, "November": 11}
_DELIVERED = re.compile(
    r"(BYD|Xpeng|Nio) (?:delivered|sold a record|sold) ([\d,]+) new energy vehicles in (October|September|November)(?: (\d{4}))?"
)
_ADAS = re.compile(r"(Xpeng) said its (XNGP) driver-assistance system")


class FakeExtractor:
    """Developments for sentences naming a tracked company; deliveries and ADAS claims by regex."""

    name = "fake"
    version = "1"

    def extract(self, doc: ArticleDoc, gazetteer: Gazetteer) -> Extraction:
        out = Extraction()
        for match in re.finditer(r"[^.!?\n]+[.!?]", doc.body):
            start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
            sentence = doc.body[start : match.end()]
            topic = next((t for pattern, t in _TOPICS if re.search(pattern, sentence)), "general")
            for name, entity in _NAMES.items():
                if name in sentence:
                    out.developments.append(DevelopmentDraft(entity, topic, sentence, start, match.end()))
            delivered = _DELIVERED.search(sentence)
            if delivered:
                year = (
                    int(delivered.group(4))
                    if delivered.group(4)
                    else (doc.published.year if doc.published else None)
                )
                month = _MONTHS[delivered.group(3)]
                period = f"{year}-{month:02d}" if year else f"--{month:02d}"
                out.claims.append(
                    ClaimDraft(
                        subject=_NAMES[delivered.group(1)],
                        property="deliveries",
                        value=Quantity(float(delivered.group(2).replace(",", "")), "vehicles"),
                        quote=sentence,
                        start=start,
                        end=match.end(),
                        qualifiers={"period": period},
                        as_of=PartialDate(year, month) if year else None,
                        confidence=0.9,
                    )
                )
            adas = _ADAS.search(sentence)
            if adas:
                out.claims.append(
                    ClaimDraft(
                        subject="xpeng",
                        property="adas_system",
                        value=Text("XNGP"),
                        quote=sentence,
                        start=start,
                        end=match.end(),
                        qualifiers={"system": "xngp"},
                        confidence=0.85,
                    )
                )
        return out


def counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            table.__tablename__: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (Article, Claim, Evidence, Development)
        }


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def serve(routes: dict[str, Handler]) -> AsyncIterator[str]:
    """Serve ``routes`` on 127.0.0.1 (a free port); yields the base URL."""
    app = web.Application()
    for path, handler in routes.items():
        app.router.add_get(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def page(name: str, content_type: str = "text/html") -> Handler:
    body = (WEB / name).read_bytes()

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=body, content_type=content_type, charset="utf-8")

    return handler
