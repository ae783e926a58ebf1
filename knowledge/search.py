"""Full-text search over development sentences and claims, with their sources.

SQLite uses the FTS5 tables of migration ``0002_search`` (kept in step by triggers, so an
article's sentences are searchable as soon as its transaction commits); PostgreSQL uses stored
``search_vector`` columns (``to_tsvector('english', ...)``, migration ``0004_search_vectors``)
with GIN indexes. Both stem English words, so "delivered"
finds "deliveries". All terms must match; when nothing does, any term may. Relevance is ranked
among the newest ``WINDOW`` matches, which keeps a query on a common word fast on a large store.

Sentences from one story told by several outlets collapse into one hit that lists the others.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from knowledge.facts import Fact, Source, facts_from_rows
from knowledge.schema import Article, Claim, Development
from knowledge.store import ACTIVE_STATUSES

Mode = Literal["all", "any"]
MAX_TERMS = 12
WINDOW = 400  # newest matches ranked per query (news: recency first, then relevance within it)


STOPWORDS = frozenset(
    [
        "a",
        "about",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "much",
        "many",
        "my",
        "of",
        "on",
        "or",
        "please",
        "say",
        "says",
        "show",
        "tell",
        "than",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
_TERM = re.compile(r"[^\W_]+", re.UNICODE)


def query_terms(query: str) -> list[str]:
    """The words of a query worth searching for: lower-cased, without stop words or duplicates."""
    terms: list[str] = []
    for match in _TERM.finditer(query.casefold()):
        word = match.group(0)
        if word not in STOPWORDS and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


@dataclass
class SentenceHit:
    development_id: int
    article_id: int
    entity_id: str
    topic: str
    sentence: str
    published: str | None
    source: Source
    also: list[Source] = field(default_factory=list)  # other outlets' articles of the same story


@dataclass
class SearchResult:
    terms: list[str]
    mode: Mode
    facts: list[Fact] = field(default_factory=list)
    sentences: list[SentenceHit] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.facts and not self.sentences


def _fts5_query(terms: Sequence[str], mode: Mode) -> str:
    quoted = [f'"{t}"' for t in terms]
    return (" OR " if mode == "any" else " ").join(quoted)


def _tsquery(terms: Sequence[str], mode: Mode) -> str:
    return (" | " if mode == "any" else " & ").join(f"'{t}'" for t in terms)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _ranked_ids(
    session: Session, kind: Literal["development", "claim"], terms: Sequence[str], mode: Mode, n: int
) -> list[int]:
    if _dialect(session) == "postgresql":
        # search_vector: a stored to_tsvector column (migration 0004) with a GIN index. Only the
        # newest WINDOW matches are ranked: a common word must not cost a ts_rank per match.
        sql = (
            f"SELECT id FROM (SELECT id, search_vector FROM {kind}, to_tsquery('english', :q) AS q "
            "WHERE search_vector @@ q ORDER BY id DESC LIMIT :window) AS recent, "
            "to_tsquery('english', :q) AS q ORDER BY ts_rank(search_vector, q) DESC, id DESC LIMIT :n"
        )
        params = {"q": _tsquery(terms, mode), "n": n, "window": WINDOW}
        return [int(r[0]) for r in session.execute(text(sql), params)]
    table = "development_fts" if kind == "development" else "claim_fts"
    # rank the newest WINDOW matches only: a common word must not cost a bm25 score per match
    sql = f"SELECT rowid, bm25({table}) FROM {table} WHERE {table} MATCH :q ORDER BY rowid DESC LIMIT :window"
    rows = list(session.execute(text(sql), {"q": _fts5_query(terms, mode), "window": WINDOW}).all())
    rows.sort(key=lambda r: (float(r[1]), -int(r[0])))
    return [int(r[0]) for r in rows[:n]]


def _source(article: Article) -> Source:
    return Source(article.id, article.url, article.publisher, article.title, article.published)


def _sentences(
    session: Session, ids: list[int], limit: int, entity_ids: Sequence[str] | None, topic: str | None
) -> list[SentenceHit]:
    if not ids:
        return []
    query = (
        select(Development, Article)
        .join(Article, Article.id == Development.article_id)
        .where(Development.id.in_(ids))
    )
    if entity_ids:
        query = query.where(Development.entity_id.in_(list(entity_ids)))
    if topic:
        query = query.where(Development.topic == topic)
    rows = {dev.id: (dev, article) for dev, article in session.execute(query).all()}
    hits: list[SentenceHit] = []
    by_story: dict[int, SentenceHit] = {}
    seen_places: set[tuple[int, int]] = set()
    for dev_id in ids:  # in rank order
        if dev_id not in rows:
            continue
        dev, article = rows[dev_id]
        if (article.id, dev.char_start) in seen_places:
            continue  # the same sentence, kept once per company it mentions
        seen_places.add((article.id, dev.char_start))
        story = article.story_id or article.id
        if story in by_story:
            first = by_story[story]
            if article.id != first.article_id and all(s.article_id != article.id for s in first.also):
                first.also.append(_source(article))
            continue
        hit = SentenceHit(
            dev.id, article.id, dev.entity_id, dev.topic, dev.sentence, dev.published, _source(article)
        )
        by_story[story] = hit
        hits.append(hit)
    return hits[:limit]


def _facts(session: Session, ids: list[int], limit: int, entity_ids: Sequence[str] | None) -> list[Fact]:
    if not ids:
        return []
    query = select(Claim).where(Claim.id.in_(ids), Claim.status.in_(ACTIVE_STATUSES))
    if entity_ids:
        query = query.where(Claim.subject_id.in_(list(entity_ids)))
    facts = facts_from_rows(session, list(session.scalars(query)))
    return [facts[i] for i in ids if i in facts][:limit]


def search(
    session: Session,
    query: str,
    limit: int = 8,
    entity_ids: Sequence[str] | None = None,
    topic: str | None = None,
    mode: Mode | None = None,
) -> SearchResult:
    """Best facts and sentences for ``query``: every term first, then any term if that finds nothing."""
    terms = query_terms(query)
    if not terms:
        return SearchResult(terms, mode or "all")
    modes: list[Mode] = [mode] if mode else (["all", "any"] if len(terms) > 1 else ["all"])
    result = SearchResult(terms, modes[0])
    widen = 6 if (entity_ids or topic) else 3
    for current in modes:
        result = SearchResult(terms, current)
        dev_ids = _ranked_ids(session, "development", terms, current, limit * widen * 2)
        result.sentences = _sentences(session, dev_ids, limit, entity_ids, topic)
        if topic is None:
            claim_ids = _ranked_ids(session, "claim", terms, current, limit * widen)
            result.facts = _facts(session, claim_ids, limit, entity_ids)
        if not result.empty:
            break
    return result


def recent_developments(
    session: Session, topic: str, limit: int = 8, entity_ids: Sequence[str] | None = None
) -> list[SentenceHit]:
    """The newest sentences of a topic, one per story."""
    query = select(Development.id).where(Development.topic == topic)
    if entity_ids:
        query = query.where(Development.entity_id.in_(list(entity_ids)))
    query = query.order_by(Development.published.desc().nulls_last(), Development.id.desc()).limit(limit * 6)
    ids = [int(i) for i in session.scalars(query)]
    return _sentences(session, ids, limit, None, None)
