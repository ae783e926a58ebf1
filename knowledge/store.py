"""Write side of the knowledge store: entities, articles, claims and evidence.

Every function here works inside a caller's session so that one article (or one admin action)
is one transaction: either all of it lands or none of it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.dates import PartialDate
from knowledge.gazetteer import Alias, EntityInfo, Gazetteer
from knowledge.schema import Audit, Claim, Entity, EntityAlias, Evidence
from knowledge.values import DateValue, EntityRef, Quantity, Text, Value, normalise_name
from knowledge.vocabulary import PROPERTIES, PropertySpec, slot_key

ACTIVE_STATUSES = ("extracted", "confirmed")


def now() -> datetime:
    return datetime.now(UTC)


class EvidenceMismatch(ValueError):
    """A quote that is not the exact text at its offsets: never stored."""


def sync_entities(session: Session, gazetteer: Gazetteer) -> int:
    """Insert entities and aliases that are missing; existing rows are left as they are."""
    existing = set(session.scalars(select(Entity.id)))
    added = 0
    # parents first so the foreign key holds
    ordered = sorted(gazetteer.entities.values(), key=lambda e: e.parent_id is not None)
    for info in ordered:
        if info.id in existing:
            continue
        session.add(
            Entity(
                id=info.id,
                type=info.type,
                name_en=info.name_en,
                name_zh=info.name_zh,
                parent_id=info.parent_id,
                ticker=info.ticker,
                country=info.country,
                created_at=now(),
            )
        )
        existing.add(info.id)
        added += 1
        session.flush()
    known = {(row.alias_norm, row.entity_id) for row in session.scalars(select(EntityAlias))}
    for alias in gazetteer.aliases:
        if (alias.norm, alias.entity_id) in known or not alias.norm:
            continue
        session.add(
            EntityAlias(
                entity_id=alias.entity_id,
                alias=alias.alias,
                alias_norm=alias.norm,
                lang=alias.lang,
                kind=alias.kind,
            )
        )
        known.add((alias.norm, alias.entity_id))
    return added


def load_gazetteer(session: Session) -> Gazetteer:
    entities = {
        row.id: EntityInfo(row.id, row.type, row.name_en, row.name_zh, row.parent_id, row.ticker, row.country)
        for row in session.scalars(select(Entity))
    }
    aliases = [
        Alias(row.entity_id, row.alias, row.lang, row.kind) for row in session.scalars(select(EntityAlias))
    ]
    return Gazetteer(entities, aliases)


def value_columns(value: Value) -> dict[str, Any]:
    columns: dict[str, Any] = {"value_kind": value.kind, "value_key": value.key()}
    if isinstance(value, Quantity):
        columns.update(
            value_num=value.amount, value_upper=value.upper, value_unit=value.unit, approx=value.approx
        )
    elif isinstance(value, EntityRef):
        columns.update(value_entity_id=value.entity_id, value_text=value.name)
    elif isinstance(value, DateValue):
        columns.update(value_date=value.date.iso(), value_date_precision=value.date.precision)
    else:
        columns.update(value_text=value.text)
    return columns


def claim_value(claim: Any) -> Value:
    """The typed value of a claim row (an ORM ``Claim`` or a plain row with the same columns)."""
    if claim.value_kind == "quantity":
        return Quantity(claim.value_num or 0.0, claim.value_unit or "", claim.value_upper, bool(claim.approx))
    if claim.value_kind == "entity":
        return EntityRef(claim.value_entity_id or "", claim.value_text or claim.value_entity_id or "")
    if claim.value_kind == "date":
        return DateValue(PartialDate.parse(claim.value_date or ""))
    return Text(claim.value_text or "")


def check_value_type(prop: PropertySpec, value: Value) -> None:
    if prop.value_type != value.kind:
        raise ValueError(f"{prop.label} takes a {prop.value_type}, not a {value.kind}")
    if isinstance(value, Quantity) and prop.unit and value.unit != prop.unit and value.unit not in prop.units:
        raise ValueError(f"{prop.label} is measured in {prop.unit}, not {value.unit or 'a bare number'}")


@dataclass
class ClaimInput:
    subject: str
    property: str
    value: Value
    qualifiers: dict[str, str]
    as_of: PartialDate | None
    confidence: float
    extractor: str
    extractor_version: str
    status: str = "extracted"
    created_by: str | None = None
    source_url: str | None = None
    note: str | None = None


def claim_slot(subject: str, prop_id: str, qualifiers: dict[str, str], value: Value) -> str:
    return slot_key(subject, PROPERTIES[prop_id], qualifiers, value.key())


def upsert_claim(session: Session, data: ClaimInput) -> tuple[Claim, bool]:
    """Return the active claim saying this (same slot, same value), creating it when new.

    A second source for the same statement becomes more evidence, not a second claim.
    """
    prop = PROPERTIES.get(data.property)
    if prop is None:
        raise ValueError(f"unknown property {data.property!r}")
    check_value_type(prop, data.value)
    key = claim_slot(data.subject, data.property, data.qualifiers, data.value)
    if data.status == "extracted":
        existing = session.scalars(
            select(Claim).where(
                Claim.slot_key == key,
                Claim.value_key == data.value.key(),
                Claim.status.in_(ACTIVE_STATUSES),
            )
        ).first()
        if existing is not None:
            if data.confidence > existing.confidence:
                existing.confidence = data.confidence
            if existing.as_of is None and data.as_of is not None:
                existing.as_of, existing.as_of_precision = data.as_of.iso(), data.as_of.precision
            return existing, False
    claim = Claim(
        subject_id=data.subject,
        property=data.property,
        qualifiers={k: v for k, v in data.qualifiers.items() if v},
        as_of=data.as_of.iso() if data.as_of else None,
        as_of_precision=data.as_of.precision if data.as_of else None,
        slot_key=key,
        status=data.status,
        confidence=data.confidence,
        extractor=data.extractor,
        extractor_version=data.extractor_version,
        created_at=now(),
        created_by=data.created_by,
        source_url=data.source_url,
        note=data.note,
        version=1,
        **value_columns(data.value),
    )
    session.add(claim)
    session.flush()
    return claim, True


def add_evidence(
    session: Session,
    claim: Claim,
    article_id: int,
    body: str | None,
    quote: str | None,
    start: int | None,
    end: int | None,
) -> bool:
    """Attach a source to a claim. A quote is stored only when it is the exact text at its offsets."""
    if quote is not None and (body is None or start is None or end is None or body[start:end] != quote):
        raise EvidenceMismatch(f"quote does not match the article at {start}:{end}")
    duplicate = session.scalars(
        select(Evidence.id).where(
            Evidence.claim_id == claim.id,
            Evidence.article_id == article_id,
            Evidence.char_start.is_(start) if start is None else Evidence.char_start == start,
        )
    ).first()
    if duplicate is not None:
        return False
    session.add(
        Evidence(
            claim_id=claim.id,
            article_id=article_id,
            quote=quote,
            char_start=start,
            char_end=end,
            created_at=now(),
        )
    )
    return True


def audit(
    session: Session,
    actor: str,
    action: str,
    target_type: str,
    target_id: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    session.add(
        Audit(
            at=now(),
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=before,
            after=after,
            reason=reason,
        )
    )


def claim_snapshot(claim: Claim) -> dict[str, Any]:
    """What an audit row records of a claim."""
    return {
        "id": claim.id,
        "subject": claim.subject_id,
        "property": claim.property,
        "value": claim_value(claim).display(),
        "value_key": claim.value_key,
        "qualifiers": claim.qualifiers,
        "as_of": claim.as_of,
        "status": claim.status,
        "version": claim.version,
    }


def normalised(text: str) -> str:
    return normalise_name(text)
