"""Export claims: JSON lines (one claim per line with its sources) or a starter file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.schema import Article, Claim, Entity, Evidence
from knowledge.serial import value_to_dict
from knowledge.store import claim_value


def export_claims(session: Session, include_inactive: bool = False) -> Iterator[dict[str, Any]]:
    names: dict[str, str] = {row[0]: row[1] for row in session.execute(select(Entity.id, Entity.name_en))}
    query = select(Claim).order_by(Claim.id)
    if not include_inactive:
        query = query.where(Claim.status.in_(("extracted", "confirmed")))
    for claim in session.scalars(query).yield_per(1000):
        value = claim_value(claim)
        sources = [
            {"url": url, "publisher": publisher, "published": published, "title": title, "quote": quote}
            for url, publisher, published, title, quote in session.execute(
                select(Article.url, Article.publisher, Article.published, Article.title, Evidence.quote)
                .join(Evidence, Evidence.article_id == Article.id)
                .where(Evidence.claim_id == claim.id)
                .order_by(Evidence.id)
            )
        ]
        if claim.created_by:
            sources.append(
                {
                    "admin": claim.created_by,
                    "url": claim.source_url,
                    "published": claim.created_at.date().isoformat(),
                }
            )
        yield {
            "id": claim.id,
            "subject": claim.subject_id,
            "subject_name": names.get(claim.subject_id, claim.subject_id),
            "property": claim.property,
            "value": value.display(),
            "value_typed": value_to_dict(value),
            "unit": claim.value_unit,
            "qualifiers": claim.qualifiers,
            "as_of": claim.as_of,
            "status": claim.status,
            "confidence": claim.confidence,
            "extractor": f"{claim.extractor}@{claim.extractor_version}",
            "sources": sources,
        }


def to_jsonl(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False, sort_keys=False)


def starter_document(session: Session) -> dict[str, Any]:
    """The current claims as a starter file: values and source links, never article text."""
    sources: dict[str, dict[str, Any]] = {}
    facts: list[dict[str, Any]] = []
    for row in export_claims(session):
        article_sources = [s for s in row["sources"] if s.get("url") and not s.get("admin")]
        if not article_sources:
            continue
        first = article_sources[0]
        source_id = f"s{len(sources) + 1}" if first["url"] not in sources else sources[first["url"]]["id"]
        if first["url"] not in sources:
            sources[first["url"]] = {
                "id": source_id,
                "url": first["url"],
                "title": first["title"],
                "publisher": first["publisher"],
                "published": first["published"],
            }
        fact: dict[str, Any] = {
            "subject": row["subject"],
            "property": row["property"],
            "value": row["value_typed"],
            "source": sources[first["url"]]["id"],
            "confidence": row["confidence"],
        }
        if row["qualifiers"]:
            fact["qualifiers"] = row["qualifiers"]
        if row["as_of"]:
            fact["as_of"] = row["as_of"]
        facts.append(fact)
    return {"version": 1, "sources": list(sources.values()), "facts": facts}
