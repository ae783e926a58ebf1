"""The bundled starter knowledge: structured facts with their source links, no article text.

Loaded into an empty store so a fresh install can answer at once. Each fact cites the article
it came from (publisher, link); when that article is ingested later, its text fills the stub and
the same facts gain exact quotes as evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.dates import parse_optional
from knowledge.schema import Article
from knowledge.serial import value_from_dict
from knowledge.store import ClaimInput, add_evidence, audit, now, upsert_claim

STARTER_FILE = Path(__file__).parent / "data" / "starter.yaml"


def load_starter(session: Session, path: Path = STARTER_FILE) -> int:
    if not path.exists():
        return 0
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    articles: dict[str, Article] = {}
    for source in data.get("sources", []):
        article = session.scalars(select(Article).where(Article.url == source["url"])).first()
        if article is None:
            published = parse_optional(source.get("published"))
            article = Article(
                url=source["url"],
                title=source.get("title"),
                publisher=source.get("publisher"),
                author=source.get("author"),
                published=published.iso() if published else None,
                published_precision=published.precision if published else None,
                fetched_at=now(),
            )
            session.add(article)
            session.flush()
        articles[source["id"]] = article
    added = 0
    for row in data.get("facts", []):
        claim, created = upsert_claim(
            session,
            ClaimInput(
                subject=row["subject"],
                property=row["property"],
                value=value_from_dict(row["value"]),
                qualifiers={k: str(v) for k, v in (row.get("qualifiers") or {}).items()},
                as_of=parse_optional(row.get("as_of")),
                confidence=float(row.get("confidence", 0.8)),
                extractor="starter",
                extractor_version=str(data.get("version", "1")),
            ),
        )
        added += int(created)
        add_evidence(session, claim, articles[row["source"]].id, None, None, None, None)
    audit(session, "pipeline", "load_starter", "store", None, after={"facts": added, "file": path.name})
    return added
