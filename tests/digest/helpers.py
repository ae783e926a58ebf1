"""Builders for digest tests: articles, facts and developments at chosen times, subscriptions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.dates import PartialDate
from knowledge.db import Database
from knowledge.schema import Article, Audit, Claim, Development, Subscription
from knowledge.store import ClaimInput, add_evidence, audit, claim_snapshot, upsert_claim
from knowledge.values import Quantity, Text, Value


def at(text: str) -> datetime:
    """``2026-03-08 14:00`` as a UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def article(session: Session, url: str, publisher: str, published: str, fetched: datetime,
            story_id: int | None = None, title: str | None = None) -> Article:  # fmt: skip
    row = Article(url=url, title=title or f"Story at {url}", publisher=publisher, published=published,
                  published_precision="day", fetched_at=fetched, body=None, story_id=story_id)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def fact(session: Session, source: Article, subject: str, prop: str, value: Value, created: datetime,
         qualifiers: dict[str, str] | None = None, as_of: str | None = None) -> Claim:  # fmt: skip
    claim, _new = upsert_claim(
        session,
        ClaimInput(
            subject,
            prop,
            value,
            qualifiers or {},
            PartialDate.parse(as_of) if as_of else None,
            0.9,
            "test",
            "1",
        ),
    )
    claim.created_at = created
    add_evidence(session, claim, source.id, None, None, None, None)
    session.flush()
    return claim


def development(session: Session, source: Article, entity: str, sentence: str, created: datetime,
                topic: str = "sales") -> None:  # fmt: skip
    session.add(Development(article_id=source.id, entity_id=entity, topic=topic, sentence=sentence, char_start=0,
                            char_end=len(sentence), published=source.published, created_at=created))  # fmt: skip
    session.flush()


def subscribe(db: Database, channel: str, *, platform: str = "console", companies: list[str] | None = None,
              topics: list[str] | None = None, at_time: str = "09:00", tz: str = "UTC", quiet: str = "post",
              created: datetime | None = None, catchup_hours: float = 6.0) -> int:  # fmt: skip
    with db.transaction() as session:
        sub = Subscription(platform=platform, workspace="local", channel=channel, companies=companies or [],
                           topics=topics or [], at_time=at_time, tz=tz, quiet_mode=quiet,
                           catchup_hours=catchup_hours, paused=False, created_by="test",
                           created_at=created or at("2020-01-01 00:00"))  # fmt: skip
        session.add(sub)
        session.flush()
        return sub.id


def override(db: Database, claim_id: int, new_value: Value, actor: str, reason: str, when: datetime) -> int:
    """What an admin override does to the store: the old claim overridden, a confirmed new one, an audit row."""
    with db.transaction() as session:
        old = session.get(Claim, claim_id)
        assert old is not None
        before = claim_snapshot(old)
        old.status = "overridden"
        old.version += 1
        new, _ = upsert_claim(
            session,
            ClaimInput(
                old.subject_id,
                old.property,
                new_value,
                dict(old.qualifiers or {}),
                None,
                1.0,
                "admin",
                "1",
                status="confirmed",
                created_by=actor,
            ),
        )
        new.created_at = when
        audit(
            session,
            actor,
            "override",
            "claim",
            str(claim_id),
            before=before,
            after=claim_snapshot(new),
            reason=reason,
        )
        session.flush()
        latest = session.scalars(select(Audit).order_by(Audit.id.desc())).first()
        assert latest is not None
        latest.at = when
        return new.id


def quantity(amount: float, unit: str) -> Quantity:
    return Quantity(amount, unit)


def text(value: str) -> Text:
    return Text(value)


def as_dict(row: Any) -> dict[str, Any]:
    return {c: getattr(row, c) for c in row.__table__.columns.keys()}  # noqa: SIM118
