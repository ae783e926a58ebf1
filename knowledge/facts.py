"""Read side: the facts to show for entities, with their sources and open conflicts.

The rule for which claim of a slot is shown: admin-confirmed first, then the claim backed by the
most independent publishers, then the most confident, then the newest. The others in the slot
with a different value stay visible as conflicts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from knowledge.dates import PartialDate
from knowledge.schema import Article, Claim, Evidence
from knowledge.store import ACTIVE_STATUSES, claim_value
from knowledge.values import Value


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: an article (with the quote when we hold its text) or an admin."""

    article_id: int | None
    url: str | None
    publisher: str | None
    title: str | None
    published: str | None
    quote: str | None = None
    admin: str | None = None  # principal of the admin who set it
    admin_at: datetime | None = None

    @property
    def key(self) -> str:
        return f"a{self.article_id}" if self.article_id is not None else f"admin:{self.admin}:{self.url}"


@dataclass(slots=True)
class Fact:
    claim_id: int
    subject: str
    property: str
    slot: str
    value: Value
    qualifiers: dict[str, Any]
    as_of: PartialDate | None
    status: str
    confidence: float
    created_at: datetime
    version: int
    sources: list[Source] = field(default_factory=list)
    conflicts: list[Fact] = field(default_factory=list)
    note: str | None = None

    def publisher_count(self) -> int:
        """Independent sources: distinct publishers (or links, when the publisher is unknown)."""
        return len({(s.publisher or s.url or s.key) for s in self.sources})


def _rank(fact: Fact) -> tuple[int, int, float, str, int]:
    as_of = fact.as_of.sort_key() if fact.as_of else ""
    return (
        1 if fact.status == "confirmed" else 0,
        fact.publisher_count(),
        fact.confidence,
        as_of,
        fact.claim_id,  # ids grow with time: the newest last
    )


@lru_cache(maxsize=4096)
def _partial_date(text: str) -> PartialDate:
    return PartialDate.parse(text)


def _qualifiers(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):  # the hot path reads the JSON text and decodes it here, which is cheaper
        return dict(json.loads(raw) or {})
    return dict(raw or {})


def facts_from_rows(session: Session, claims: Sequence[Any]) -> dict[int, Fact]:
    facts: dict[int, Fact] = {}
    for claim in claims:
        facts[claim.id] = Fact(
            claim_id=claim.id,
            subject=claim.subject_id,
            property=claim.property,
            slot=claim.slot_key,
            value=claim_value(claim),
            qualifiers=_qualifiers(claim.qualifiers),
            as_of=_partial_date(claim.as_of) if claim.as_of else None,
            status=claim.status,
            confidence=claim.confidence,
            created_at=claim.created_at,
            version=claim.version,
            note=claim.note,
        )
        if claim.created_by:
            facts[claim.id].sources.append(
                Source(
                    None,
                    claim.source_url,
                    None,
                    None,
                    None,
                    admin=claim.created_by,
                    admin_at=claim.created_at,
                )
            )
    if not facts:
        return facts
    # evidence as (claim, article) pairs, then each article once: a company's claims come from
    # far fewer articles than there are claims, and one Source object serves them all
    links: list[tuple[int, int]] = []
    ids = list(facts)
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        query = select(Evidence.claim_id, Evidence.article_id).where(Evidence.claim_id.in_(chunk))
        links += [
            (claim_id, article_id) for claim_id, article_id in session.execute(query.order_by(Evidence.id))
        ]
    article_ids = list({article_id for _, article_id in links})
    sources: dict[int, Source] = {}
    for chunk_start in range(0, len(article_ids), 500):
        chunk = article_ids[chunk_start : chunk_start + 500]
        for article_id, url, publisher, title, published in session.execute(
            select(Article.id, Article.url, Article.publisher, Article.title, Article.published).where(
                Article.id.in_(chunk)
            )
        ):
            sources[article_id] = Source(article_id, url, publisher, title, published)
    for claim_id, article_id in links:
        facts[claim_id].sources.append(sources[article_id])
    return facts


def select_shown(facts: Iterable[Fact]) -> list[Fact]:
    """Group by slot and keep the winner of each, with the differing values attached as conflicts."""
    by_slot: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_slot[fact.slot].append(fact)
    shown: list[Fact] = []
    for group in by_slot.values():
        group.sort(key=_rank, reverse=True)
        winner = group[0]
        seen = {winner.value.key()}
        winner.conflicts = []
        for other in group[1:]:
            if other.value.key() not in seen:
                winner.conflicts.append(other)
                seen.add(other.value.key())
        shown.append(winner)
    return shown


_FACT_COLUMNS = [
    Claim.id, Claim.subject_id, Claim.property, Claim.slot_key, Claim.value_kind, Claim.value_num, Claim.value_upper,
    Claim.value_unit, Claim.approx, Claim.value_entity_id, Claim.value_date, Claim.value_text,
    type_coerce(Claim.qualifiers, Text).label("qualifiers"),
    Claim.as_of, Claim.status, Claim.confidence, Claim.version, Claim.note, Claim.created_by, Claim.source_url, Claim.created_at,
]  # fmt: skip


def current_facts(
    session: Session, subjects: Sequence[str], properties: Sequence[str] | None = None
) -> dict[str, list[Fact]]:
    """The shown facts of each subject (winners with their conflicts), keyed by subject id."""
    # plain rows of the columns needed, not ORM objects: a busy company has hundreds of claims and
    # this is the hot path of compare and brief
    query = select(*_FACT_COLUMNS).where(
        Claim.subject_id.in_(list(subjects)), Claim.status.in_(ACTIVE_STATUSES)
    )
    if properties:
        query = query.where(Claim.property.in_(list(properties)))
    claims = list(session.execute(query))
    facts = facts_from_rows(session, claims)
    result: dict[str, list[Fact]] = {subject: [] for subject in subjects}
    for fact in select_shown(facts.values()):
        result.setdefault(fact.subject, []).append(fact)
    for subject_facts in result.values():
        subject_facts.sort(key=lambda f: (f.property, f.claim_id))
    return result
