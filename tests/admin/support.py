"""Helpers for the admin tests: run a command as someone, read claims and audit rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.context import CommandRequest
from bot.core import Core
from bot.reply import Reply
from knowledge.db import Database
from knowledge.schema import Audit, Claim

ADMIN = "console:local:alice"
USER = "console:local:bob"


def ask(
    core: Core,
    text: str,
    principal: str = ADMIN,
    confirmed: bool = False,
    roles: frozenset[str] = frozenset(),
) -> Reply:
    return core.handle(CommandRequest(text=text, principal=principal, confirmed=confirmed, roles=roles))


def text_of(reply: Reply) -> str:
    return reply.fallback_text()


def claims(db: Database, subject: str, prop: str) -> list[Claim]:
    with db.session() as session:
        return list(
            session.scalars(
                select(Claim).where(Claim.subject_id == subject, Claim.property == prop).order_by(Claim.id)
            )
        )


def claim_rows(db: Database) -> dict[int, dict[str, Any]]:
    """Every claim as a plain dict of its columns."""
    with db.session() as session:
        rows = session.scalars(select(Claim).order_by(Claim.id))
        return {c.id: {col.name: getattr(c, col.key) for col in Claim.__mapper__.columns} for c in rows}


def audits(db: Database, action: str | None = None) -> list[Audit]:
    with db.session() as session:
        query = select(Audit).order_by(Audit.id)
        if action:
            query = query.where(Audit.action == action)
        return list(session.scalars(query))


def ceo_claim(db: Database, subject: str = "xpeng") -> Claim:
    return next(c for c in claims(db, subject, "ceo") if c.status in ("extracted", "confirmed"))
