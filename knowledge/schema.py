"""SQLAlchemy tables of the knowledge store and of the bot's own state.

Claims never lose history: a retraction or override changes ``status`` and writes an ``audit``
row in the same transaction. Evidence rows tie a claim to the exact characters of an article.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Entity(Base):
    __tablename__ = "entity"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # slug, e.g. "li-auto"
    type: Mapped[str] = mapped_column(String(20))  # company, brand, person, product, ai_model, rd_site, place
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("entity.id"), index=True)
    ticker: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EntityAlias(Base):
    __tablename__ = "entity_alias"
    __table_args__ = (UniqueConstraint("alias_norm", "entity_id", name="uq_alias_entity"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    alias_norm: Mapped[str] = mapped_column(String(200), index=True)
    lang: Mapped[str] = mapped_column(String(10))  # en, zh, pinyin
    kind: Mapped[str] = mapped_column(String(12))  # official, short, ticker, former


class Article(Base):
    __tablename__ = "article"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    title: Mapped[str | None] = mapped_column(String(1000))
    publisher: Mapped[str | None] = mapped_column(String(200))
    author: Mapped[str | None] = mapped_column(String(200))
    published: Mapped[str | None] = mapped_column(String(10))  # PartialDate.iso()
    published_precision: Mapped[str | None] = mapped_column(String(5))
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    body: Mapped[str | None] = mapped_column(Text)  # None for a cited source whose text we do not hold
    story_id: Mapped[int | None] = mapped_column(Integer, index=True)  # near-duplicate group


class Claim(Base):
    __tablename__ = "claim"
    __table_args__ = (
        Index("ix_claim_subject_property", "subject_id", "property"),
        Index("ix_claim_slot", "slot_key"),
        Index("ix_claim_created", "created_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[str] = mapped_column(ForeignKey("entity.id"))
    property: Mapped[str] = mapped_column(String(60))
    value_kind: Mapped[str] = mapped_column(String(10))  # quantity, entity, date, text
    value_num: Mapped[float | None] = mapped_column(Float)
    value_upper: Mapped[float | None] = mapped_column(Float)
    value_unit: Mapped[str | None] = mapped_column(String(30))
    approx: Mapped[bool] = mapped_column(Boolean, default=False)
    value_entity_id: Mapped[str | None] = mapped_column(ForeignKey("entity.id"))
    value_date: Mapped[str | None] = mapped_column(String(10))
    value_date_precision: Mapped[str | None] = mapped_column(String(5))
    value_text: Mapped[str | None] = mapped_column(Text)
    value_key: Mapped[str] = mapped_column(String(400))
    qualifiers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    as_of: Mapped[str | None] = mapped_column(String(10))
    as_of_precision: Mapped[str | None] = mapped_column(String(5))
    slot_key: Mapped[str] = mapped_column(String(600))
    status: Mapped[str] = mapped_column(String(12))  # extracted, confirmed, overridden, retracted
    confidence: Mapped[float] = mapped_column(Float)
    extractor: Mapped[str] = mapped_column(String(60))
    extractor_version: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(200))  # principal for admin-set facts
    source_url: Mapped[str | None] = mapped_column(String(2000))  # an admin's cited source
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumps on every status change


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("claim_id", "article_id", "char_start", name="uq_evidence_place"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"), index=True)
    quote: Mapped[str | None] = mapped_column(Text)  # None when the source text is not held
    char_start: Mapped[int | None] = mapped_column(Integer)
    char_end: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Development(Base):
    """A sentence of an article that mentions a tracked entity, kept with its topic."""

    __tablename__ = "development"
    __table_args__ = (Index("ix_development_entity_published", "entity_id", "published"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"), index=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"))
    topic: Mapped[str] = mapped_column(String(30))
    sentence: Mapped[str] = mapped_column(Text)
    char_start: Mapped[int] = mapped_column(Integer)
    char_end: Mapped[int] = mapped_column(Integer)
    published: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Audit(Base):
    """Append-only log of every change: who, when, what, before, after, why."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str | None] = mapped_column(String(200), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)


class Admin(Base):
    __tablename__ = "admin"
    principal: Mapped[str] = mapped_column(String(200), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PendingAction(Base):
    """An admin change previewed and awaiting confirmation (optimistic concurrency via slot_version)."""

    __tablename__ = "pending_action"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principal: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    slot_fingerprint: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))  # pending, done, refused, expired
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewItem(Base):
    """Something extraction was unsure of: an unknown organisation, a low-confidence claim."""

    __tablename__ = "review_item"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_review_kind_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # unknown_org, low_confidence
    key: Mapped[str] = mapped_column(String(300))
    label: Mapped[str] = mapped_column(String(500))
    count: Mapped[int] = mapped_column(Integer, default=1)
    example_article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id"))
    example_quote: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))  # open, approved, rejected, merged
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Subscription(Base):
    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("platform", "channel", name="uq_subscription_channel"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(100))
    companies: Mapped[list[Any]] = mapped_column(JSON, default=list)  # empty = every tracked company
    topics: Mapped[list[Any]] = mapped_column(JSON, default=list)
    at_time: Mapped[str] = mapped_column(String(5))  # HH:MM
    tz: Mapped[str] = mapped_column(String(64))
    quiet_mode: Mapped[str] = mapped_column(String(10), default="post")  # post a one-liner, or skip
    catchup_hours: Mapped[float] = mapped_column(Float, default=6.0)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DigestDelivery(Base):
    """One claimed delivery of one channel's digest for one date: the exactly-once ledger."""

    __tablename__ = "digest_delivery"
    __table_args__ = (UniqueConstraint("platform", "channel", "digest_date", name="uq_delivery"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(100))
    digest_date: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))  # claimed, sent, missed, failed, skipped
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    window_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    carried: Mapped[list[Any] | None] = mapped_column(JSON)  # claim ids (and values) the digest showed
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Lease(Base):
    """A named lease (e.g. the Discord gateway leader) held by one replica until it expires."""

    __tablename__ = "lease"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KeyValue(Base):
    """Small bot state (the Discord command-tree hash, the alias-table version, ...)."""

    __tablename__ = "kv"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
