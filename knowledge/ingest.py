"""Ingestion: files (Markdown or plain text with optional YAML front matter) into the store.

One transaction per article: the article, its claims, evidence, developments and review items
land together or not at all. A rejected input is reported with its reason and stores nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge.dates import PartialDate
from knowledge.db import Database
from knowledge.extract.base import ArticleDoc, Extraction, Extractor
from knowledge.schema import Article, Development, ReviewItem
from knowledge.store import (
    ClaimInput,
    EvidenceMismatch,
    add_evidence,
    audit,
    load_gazetteer,
    now,
    upsert_claim,
)
from knowledge.values import normalise_name

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text"}
# Files taken when walking a directory; a file named explicitly is always tried.
ARTICLE_SUFFIXES = TEXT_SUFFIXES | {".html", ".htm"}
FRONT_MATTER_KEYS = {"title", "url", "publisher", "author", "published", "source", "lang", "tags"}

Outcome = Literal["new", "unchanged", "rejected"]
ArticleHook = Callable[[Session, Article], None]  # runs in the article's transaction after it is stored


class Rejected(ValueError):
    """An input that cannot be stored; the message is the reason shown to the user."""


@dataclass
class RawArticle:
    body: str
    origin: str  # path or URL it came from, for messages
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: PartialDate | None = None

    def doc(self) -> ArticleDoc:
        return ArticleDoc(self.body, self.title, self.url, self.publisher, self.published)


@dataclass
class IngestResult:
    origin: str
    outcome: Outcome
    reason: str | None = None
    article_id: int | None = None
    claims_added: int = 0
    evidence_added: int = 0


@dataclass
class IngestSummary:
    results: list[IngestResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def claims_added(self) -> int:
        return sum(r.claims_added for r in self.results)


_MONTH_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%Y/%m/%d", "%B %Y", "%b %Y")


def parse_published(value: Any) -> PartialDate | None:
    """Front-matter dates: ``2025-11-03``, ``2025-11``, ``2025``, ``Nov 3, 2025``, or empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return PartialDate.from_date(value.date())
    if isinstance(value, date):
        return PartialDate.from_date(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return PartialDate.parse(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].*", text):
        return PartialDate.parse(text[:10])
    for fmt in _MONTH_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if "%d" in fmt:
            return PartialDate.from_date(parsed.date())
        return PartialDate(parsed.year, parsed.month)
    raise Rejected(f"front matter: cannot read the published date {text!r} (use YYYY-MM-DD)")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        return {}, text
    first_newline = text.find("\n")
    if first_newline == -1 or text[:first_newline].strip() != "---":
        return {}, text
    match = re.search(r"^(---|\.\.\.)[ \t]*$", text[first_newline + 1 :], flags=re.MULTILINE)
    if match is None:
        raise Rejected("front matter: opening '---' has no closing '---'")
    raw = text[first_newline + 1 : first_newline + 1 + match.start()]
    body = text[first_newline + 1 + match.end() :]
    try:
        meta = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise Rejected(f"front matter is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise Rejected("front matter must be a mapping of keys to values")
    return meta, body.lstrip("\n")


def _meta_text(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise Rejected(f"front matter: {key!r} must be a single value")
    text = str(value).strip()
    return text or None


def parse_text_article(data: bytes, origin: str, max_bytes: int = DEFAULT_MAX_BYTES) -> RawArticle:
    """Validate and parse a Markdown/plain-text article; raises ``Rejected`` with the reason."""
    if len(data) > max_bytes:
        raise Rejected(f"too large: {len(data):,} bytes (the limit is {max_bytes:,})")
    if not data.strip():
        raise Rejected("empty file")
    if b"\x00" in data:
        raise Rejected("binary file (contains NUL bytes), not an article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Rejected(f"not UTF-8 text (byte {exc.start} cannot be decoded)") from exc
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if control > max(8, len(text) // 100):
        raise Rejected("binary file (too many control characters), not an article")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body = split_front_matter(text)
    body = body.strip()
    if not body:
        raise Rejected("empty article: no text after the front matter")
    url = _meta_text(meta, "url")
    if url is not None and not re.match(r"^https?://\S+$", url):
        raise Rejected(f"front matter: url {url!r} is not an http(s) link")
    return RawArticle(
        body=body,
        origin=origin,
        title=_meta_text(meta, "title"),
        url=url,
        publisher=_meta_text(meta, "publisher") or _meta_text(meta, "source"),
        author=_meta_text(meta, "author"),
        published=parse_published(meta.get("published")),
    )


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and not child.name.startswith(".")
                    and child.suffix.lower() in ARTICLE_SUFFIXES
                ):
                    yield child
        else:
            yield path


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def default_hooks() -> list[ArticleHook]:
    """Story grouping of near-duplicates from different outlets (``Article.story_id``)."""
    from knowledge.stories import assign_story  # local: optional feature module

    return [assign_story]


class Ingestor:
    """Stores articles with what an extractor finds in them, one transaction per article."""

    def __init__(
        self,
        db: Database,
        extractor: Extractor,
        max_bytes: int = DEFAULT_MAX_BYTES,
        hooks: Sequence[ArticleHook] | None = None,
    ) -> None:
        self.db = db
        self.extractor = extractor
        self.max_bytes = max_bytes
        self.hooks = list(hooks) if hooks is not None else default_hooks()

    def ingest_file(self, path: Path) -> IngestResult:
        origin = str(path)
        try:
            if not path.exists():
                raise Rejected("no such file")
            data = path.read_bytes()
            raw = self.parse_file(path, data)
        except Rejected as exc:
            return IngestResult(origin, "rejected", str(exc))
        except OSError as exc:
            return IngestResult(origin, "rejected", f"cannot read: {exc.strerror or exc}")
        return self.ingest(raw)

    def parse_file(self, path: Path, data: bytes) -> RawArticle:
        """Turn a file's bytes into an article; other source types plug in by suffix."""
        from knowledge.sources import parse_by_suffix  # local: optional source types

        return parse_by_suffix(path, data, self.max_bytes)

    def ingest(self, raw: RawArticle) -> IngestResult:
        digest = body_hash(raw.body)
        try:
            with self.db.transaction() as session:
                stub = self._find_existing(session, raw, digest)
                if stub is not None and stub.body is not None:
                    return IngestResult(raw.origin, "unchanged", "already ingested", stub.id)
                gazetteer = load_gazetteer(session)
                extraction = self.extractor.extract(raw.doc(), gazetteer)
                article = self._store_article(session, raw, digest, stub)
                result = IngestResult(raw.origin, "new", None, article.id)
                self._store_extraction(session, article, extraction, result)
                for hook in self.hooks:
                    hook(session, article)
                audit(
                    session,
                    "pipeline",
                    "ingest",
                    "article",
                    str(article.id),
                    after={
                        "url": raw.url,
                        "title": raw.title,
                        "claims_added": result.claims_added,
                        "evidence_added": result.evidence_added,
                        "extractor": f"{self.extractor.name}@{self.extractor.version}",
                    },
                )
                return result
        except (Rejected, EvidenceMismatch) as exc:
            return IngestResult(raw.origin, "rejected", str(exc))
        except SQLAlchemyError as exc:
            return IngestResult(
                raw.origin, "rejected", f"store error, nothing saved: {exc.__class__.__name__}"
            )

    def ingest_paths(self, paths: Iterable[Path]) -> Iterator[IngestResult]:
        for path in iter_files(paths):
            yield self.ingest_file(path)

    @staticmethod
    def _find_existing(session: Session, raw: RawArticle, digest: str) -> Article | None:
        if raw.url:
            by_url = session.scalars(select(Article).where(Article.url == raw.url)).first()
            if by_url is not None:
                return by_url
        return session.scalars(select(Article).where(Article.sha256 == digest)).first()

    @staticmethod
    def _store_article(session: Session, raw: RawArticle, digest: str, stub: Article | None) -> Article:
        article = stub or Article(url=raw.url)
        article.title = raw.title or article.title
        article.publisher = raw.publisher or article.publisher
        article.author = raw.author or article.author
        if raw.published is not None:
            article.published, article.published_precision = raw.published.iso(), raw.published.precision
        article.fetched_at = now()
        article.sha256 = digest
        article.body = raw.body
        if stub is None:
            session.add(article)
        session.flush()
        return article

    def _store_extraction(
        self, session: Session, article: Article, extraction: Extraction, result: IngestResult
    ) -> None:
        for draft in extraction.claims:
            claim, created = upsert_claim(
                session,
                ClaimInput(
                    subject=draft.subject,
                    property=draft.property,
                    value=draft.value,
                    qualifiers=draft.qualifiers,
                    as_of=draft.as_of,
                    confidence=draft.confidence,
                    extractor=self.extractor.name,
                    extractor_version=self.extractor.version,
                ),
            )
            result.claims_added += int(created)
            result.evidence_added += int(
                add_evidence(session, claim, article.id, article.body, draft.quote, draft.start, draft.end)
            )
        for dev in extraction.developments:
            if article.body is None or article.body[dev.start : dev.end] != dev.sentence:
                raise EvidenceMismatch(
                    f"development sentence does not match the article at {dev.start}:{dev.end}"
                )
            session.add(
                Development(
                    article_id=article.id,
                    entity_id=dev.entity_id,
                    topic=dev.topic,
                    sentence=dev.sentence,
                    char_start=dev.start,
                    char_end=dev.end,
                    published=article.published,
                    created_at=now(),
                )
            )
        for org in extraction.unknown_orgs:
            key = normalise_name(org.name)
            item = session.scalars(
                select(ReviewItem).where(ReviewItem.kind == "unknown_org", ReviewItem.key == key)
            ).first()
            if item is None:
                session.add(
                    ReviewItem(
                        kind="unknown_org",
                        key=key,
                        label=org.name,
                        count=1,
                        example_article_id=article.id,
                        example_quote=org.quote,
                        status="open",
                        created_at=now(),
                        updated_at=now(),
                    )
                )
                session.flush()
            else:
                item.count += 1
                item.updated_at = now()
