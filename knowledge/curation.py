"""Admin curation of the knowledge store: set, confirm, retract and undo facts; entities, aliases,
the review queue and the admin list.

Rules kept here (the command modules only parse and present):

* Nothing is deleted. A retraction or override changes a claim's ``status``, bumps its ``version``
  and writes an ``audit`` row (before/after = ``claim_snapshot``) in the same transaction.
* A change to a slot first locks the subject (``SELECT … FOR NO KEY UPDATE`` on PostgreSQL, a
  write that takes SQLite's single write lock at the start of the transaction), then re-reads the
  slot, and every status change is a conditional ``UPDATE … WHERE version = :seen``: two
  processes confirming conflicting edits serialise, one wins and the other is refused and audited.
* A previewed ``fact set`` is a ``PendingAction`` holding the slot's fingerprint; the confirmation
  is refused when the slot changed in between. Applied changes are recorded on their
  ``PendingAction`` (status ``done``) so that ``undo`` can restore exactly the earlier statuses and
  versions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from knowledge.dates import PartialDate
from knowledge.db import Database
from knowledge.facts import Fact, current_facts
from knowledge.schema import Admin, Audit, Claim, Development, Entity, EntityAlias, PendingAction, ReviewItem
from knowledge.serial import value_from_dict, value_to_dict
from knowledge.store import (
    ACTIVE_STATUSES,
    ClaimInput,
    audit,
    claim_slot,
    claim_snapshot,
    claim_value,
    now,
    upsert_claim,
)
from knowledge.values import Value, normalise_name
from knowledge.vocabulary import PROPERTIES, PropertySpec

ADMIN_EXTRACTOR = "admin"
ADMIN_EXTRACTOR_VERSION = "1"
PENDING_TTL = timedelta(hours=24)
NAME_CHANGES = ("alias_add", "entity_add")
UNDOABLE = ("fact_set", "fact_retract", "fact_confirm", *NAME_CHANGES)


class CurationError(Exception):
    """The change cannot be made as asked; the message says why (shown as a usage error)."""


class _Conflict(Exception):
    """A conditional update found a claim changed since it was read (rolled back, then audited)."""


# ---------------------------------------------------------------------------------------------
# Locking and fingerprints


def lock_subject(session: Session, subject_id: str) -> None:
    """Serialise changes to one subject's claims for the rest of this transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Entity.id).where(Entity.id == subject_id).with_for_update(key_share=True))
    else:
        # SQLite: the first statement of the transaction is a write, so it takes the database's
        # write lock now (waiting up to busy_timeout) and every later read sees the newest state.
        session.execute(update(Entity).where(Entity.id == subject_id).values(name_en=Entity.name_en))


def slot_claims(session: Session, slot: str) -> list[Claim]:
    """Every claim of a slot, whatever its status, freshly read."""
    query = (
        select(Claim)
        .where(Claim.slot_key == slot)
        .order_by(Claim.id)
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query))


def fingerprint(claims: Sequence[Claim]) -> str:
    """A digest of the slot's ids, versions and statuses: any change to the slot changes it."""
    text = ";".join(f"{c.id}:{c.version}:{c.status}" for c in sorted(claims, key=lambda c: c.id))
    return hashlib.sha256(text.encode()).hexdigest()


def _rowcount(result: Any) -> int:
    return result.rowcount if isinstance(result, CursorResult) else -1


def _override_others(
    session: Session, actor: str, claim: Claim, slot: list[Claim], changes: list[dict[str, Any]], reason: str
) -> list[Claim]:
    """Mark every other active value of ``claim``'s slot overridden, each with its audit row."""
    overridden: list[Claim] = []
    for other in slot:
        if other.id == claim.id or other.status not in ACTIVE_STATUSES or other.value_key == claim.value_key:
            continue
        before = claim_snapshot(other)
        changes.append(_change_status(session, other, "overridden"))
        audit(session, actor, "override", "claim", str(other.id), before=before, after=claim_snapshot(other),
              reason=reason)  # fmt: skip
        overridden.append(other)
    return overridden


def _change_status(session: Session, claim: Claim, status: str, version: int | None = None) -> dict[str, Any]:
    """Conditionally move ``claim`` to ``status`` (and ``version``, default +1); return the change record."""
    before = {"status": claim.status, "version": claim.version}
    new_version = claim.version + 1 if version is None else version
    result = session.execute(
        update(Claim)
        .where(Claim.id == claim.id, Claim.version == claim.version, Claim.status == claim.status)
        .values(status=status, version=new_version)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        raise _Conflict(f"claim #{claim.id} changed meanwhile")
    session.refresh(claim)
    return {"claim": claim.id, "before": before, "after": {"status": claim.status, "version": claim.version}}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# Fact set: draft, preview, apply


@dataclass
class SetDraft:
    subject: str
    prop_id: str
    value: Value
    qualifiers: dict[str, str] = field(default_factory=dict)
    as_of: PartialDate | None = None
    source_url: str | None = None
    note: str | None = None

    @property
    def spec(self) -> PropertySpec:
        return PROPERTIES[self.prop_id]

    @property
    def slot(self) -> str:
        return claim_slot(self.subject, self.prop_id, self.qualifiers, self.value)

    def to_payload(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "property": self.prop_id,
            "value": value_to_dict(self.value),
            "qualifiers": self.qualifiers,
            "as_of": self.as_of.iso() if self.as_of else None,
            "source_url": self.source_url,
            "note": self.note,
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> SetDraft:
        return cls(
            subject=str(data["subject"]),
            prop_id=str(data["property"]),
            value=value_from_dict(dict(data["value"])),
            qualifiers={str(k): str(v) for k, v in (data.get("qualifiers") or {}).items()},
            as_of=PartialDate.parse(data["as_of"]) if data.get("as_of") else None,
            source_url=data.get("source_url"),
            note=data.get("note"),
        )


@dataclass
class SlotState:
    """What a slot shows now: the winner first, then the other values (each a ``Fact`` with sources)."""

    slot: str
    facts: list[Fact]

    @property
    def values(self) -> list[str]:
        return [f.value.display() for f in self.facts]


def slot_state(session: Session, subject: str, prop: str, slot: str) -> SlotState:
    shown = [f for f in current_facts(session, [subject], [prop]).get(subject, []) if f.slot == slot]
    facts: list[Fact] = []
    for fact in shown:
        facts.append(fact)
        facts.extend(fact.conflicts)
    return SlotState(slot, facts)


@dataclass
class Preview:
    draft: SetDraft
    pending_id: int | None  # None: nothing would change
    current: SlotState
    overridden: list[Fact]  # shown claims that would become overridden


def preview_set(db: Database, actor: str, draft: SetDraft, command_text: str) -> Preview:
    """Record the change as pending with the slot's fingerprint, and say what it would do."""
    with db.transaction() as session:
        claims = slot_claims(session, draft.slot)
        state = slot_state(session, draft.subject, draft.prop_id, draft.slot)
        key = draft.value.key()
        active = [c for c in claims if c.status in ACTIVE_STATUSES]
        overridden = [f for f in state.facts if f.value.key() != key]
        already = any(c.status == "confirmed" and c.value_key == key for c in active)
        if already and all(c.value_key == key for c in active):
            return Preview(draft, None, state, [])
        pending = PendingAction(
            principal=actor,
            action="fact_set",
            payload={**draft.to_payload(), "command": command_text[:500]},
            slot_fingerprint=fingerprint(claims),
            status="pending",
            created_at=now(),
        )
        session.add(pending)
        session.flush()
        return Preview(draft, pending.id, state, overridden)


@dataclass
class Applied:
    action: str
    change_id: int  # the PendingAction recording the change (what undo reverts)
    changes: list[dict[str, Any]]
    claim: Claim | None  # the new or changed claim
    overridden: list[Claim] = field(default_factory=list)
    draft: SetDraft | None = None


@dataclass
class StaleRefusal:
    """The slot changed since the preview: nothing applied; ``current`` is the new state."""

    pending_id: int
    draft: SetDraft
    current: SlotState
    reason: str


def find_pending(session: Session, actor: str, pending_id: int | None) -> PendingAction:
    if pending_id is None:
        pending = session.scalars(
            select(PendingAction)
            .where(PendingAction.principal == actor, PendingAction.status == "pending")
            .order_by(PendingAction.id.desc())
        ).first()
        if pending is None:
            raise CurationError("You have no change waiting for confirmation.")
        return pending
    found = session.get(PendingAction, pending_id)
    if found is None or found.action != "fact_set":
        raise CurationError(f"There is no pending change #{pending_id}.")
    if found.principal != actor:
        raise CurationError(
            f"Pending change #{pending_id} was previewed by {found.principal}; only they can confirm it."
        )
    return found


def _refuse_stale(
    session: Session,
    actor: str,
    pending: PendingAction,
    draft: SetDraft,
    found: str,
    reason: str,
    status: str = "refused",
) -> StaleRefusal:
    pending.status = status
    audit(
        session, actor, "refused", "slot", draft.slot,
        after={"command": str(pending.payload.get("command", ""))[:500], "pending": pending.id,
               "expected": pending.slot_fingerprint, "found": found, "value": draft.value.display()},
        reason=reason,
    )  # fmt: skip
    return StaleRefusal(
        pending.id, draft, slot_state(session, draft.subject, draft.prop_id, draft.slot), reason
    )


def apply_pending(
    db: Database, actor: str, pending_id: int | None, clock: datetime | None = None
) -> Applied | StaleRefusal:
    """Apply a previewed ``fact set`` if its slot is unchanged; otherwise refuse (and audit that)."""
    moment = clock or now()
    with db.session() as session:
        first = find_pending(session, actor, pending_id)
        pending_id, draft = first.id, SetDraft.from_payload(first.payload)
    try:
        with db.transaction() as session:
            lock_subject(session, draft.subject)
            pending = session.get(PendingAction, pending_id, populate_existing=True)
            assert pending is not None
            if pending.status != "pending":
                raise CurationError(f"Pending change #{pending_id} is already {pending.status}.")
            if _aware(pending.created_at) + PENDING_TTL < moment:
                return _refuse_stale(
                    session,
                    actor,
                    pending,
                    draft,
                    "",
                    "the preview expired; preview the change again",
                    "expired",
                )
            claims = slot_claims(session, draft.slot)
            found = fingerprint(claims)
            if found != pending.slot_fingerprint:
                return _refuse_stale(
                    session,
                    actor,
                    pending,
                    draft,
                    found,
                    "the facts changed since the preview; check the new state and preview again",
                )
            return _apply_set(session, actor, pending, draft, claims)
    except _Conflict as exc:
        with db.transaction() as session:
            pending = session.get(PendingAction, pending_id)
            assert pending is not None
            return _refuse_stale(session, actor, pending, draft, "", f"a concurrent change won ({exc})")


def _apply_set(
    session: Session, actor: str, pending: PendingAction, draft: SetDraft, claims: list[Claim]
) -> Applied:
    reason = draft.note or "set by admin"
    claim, _ = upsert_claim(
        session,
        ClaimInput(
            subject=draft.subject, property=draft.prop_id, value=draft.value, qualifiers=draft.qualifiers,
            as_of=draft.as_of, confidence=1.0, extractor=ADMIN_EXTRACTOR, extractor_version=ADMIN_EXTRACTOR_VERSION,
            status="confirmed", created_by=actor, source_url=draft.source_url, note=draft.note,
        ),
    )  # fmt: skip
    audit(
        session, actor, "set", "claim", str(claim.id), before=None, after=claim_snapshot(claim), reason=reason
    )
    changes: list[dict[str, Any]] = [
        {"claim": claim.id, "before": None, "after": {"status": claim.status, "version": claim.version}}
    ]
    overridden = _override_others(
        session, actor, claim, claims, changes,
        f"overridden by claim #{claim.id} ({claim_value(claim).display()}): {reason}",
    )  # fmt: skip
    pending.status = "done"
    pending.payload = {**pending.payload, "claim": claim.id, "changes": changes}
    return Applied("fact_set", pending.id, changes, claim, overridden, draft)


def cancel_pending(db: Database, actor: str, pending_id: int | None) -> int:
    with db.transaction() as session:
        pending = find_pending(session, actor, pending_id)
        if pending.status != "pending":
            raise CurationError(f"Pending change #{pending.id} is already {pending.status}.")
        pending.status = "cancelled"
        return pending.id


# ---------------------------------------------------------------------------------------------
# Retract, confirm, undo


def _journal(session: Session, actor: str, action: str, payload: dict[str, Any]) -> PendingAction:
    record = PendingAction(
        principal=actor,
        action=action,
        payload=payload,
        slot_fingerprint=None,
        status="done",
        created_at=now(),
    )
    session.add(record)
    session.flush()
    return record


def _claim_for_change(db: Database, claim_id: int) -> Claim:
    with db.session() as session:
        claim = session.get(Claim, claim_id)
        if claim is None:
            raise CurationError(f"There is no claim #{claim_id}.")
        return claim


def retract(db: Database, actor: str, claim_id: int, reason: str | None, command_text: str = "") -> Applied:
    subject = _claim_for_change(db, claim_id).subject_id
    with db.transaction() as session:
        lock_subject(session, subject)
        claim = session.get(Claim, claim_id, populate_existing=True)
        assert claim is not None
        if claim.status == "retracted":
            raise CurationError(f"Claim #{claim_id} is already retracted.")
        before = claim_snapshot(claim)
        change = _change_status(session, claim, "retracted")
        audit(
            session,
            actor,
            "retract",
            "claim",
            str(claim.id),
            before=before,
            after=claim_snapshot(claim),
            reason=reason or "retracted by admin",
        )
        record = _journal(
            session,
            actor,
            "fact_retract",
            {"claim": claim.id, "changes": [change], "command": command_text[:500]},
        )
        return Applied("fact_retract", record.id, [change], claim)


def confirm(
    db: Database, actor: str, claim_id: int, reason: str | None = None, command_text: str = ""
) -> Applied:
    """Confirm one claim; the other values its slot still shows become overridden."""
    subject = _claim_for_change(db, claim_id).subject_id
    try:
        with db.transaction() as session:
            lock_subject(session, subject)
            claim = session.get(Claim, claim_id, populate_existing=True)
            assert claim is not None
            if claim.status == "confirmed":
                raise CurationError(f"Claim #{claim_id} is already confirmed.")
            why = reason or "confirmed by admin"
            before = claim_snapshot(claim)
            changes = [_change_status(session, claim, "confirmed")]
            audit(
                session,
                actor,
                "confirm",
                "claim",
                str(claim.id),
                before=before,
                after=claim_snapshot(claim),
                reason=why,
            )
            overridden = _override_others(
                session, actor, claim, slot_claims(session, claim.slot_key), changes,
                f"overridden by confirmed claim #{claim.id}: {why}",
            )  # fmt: skip
            record = _journal(
                session,
                actor,
                "fact_confirm",
                {"claim": claim.id, "changes": changes, "command": command_text[:500]},
            )
            return Applied("fact_confirm", record.id, changes, claim, overridden)
    except _Conflict as exc:
        raise CurationError(f"Claim #{claim_id}'s slot changed while confirming ({exc}); try again.") from exc


@dataclass
class Undone:
    change_id: int
    action: str
    restored: list[Claim]
    removed_names: list[str] = field(default_factory=list)  # aliases (and the entity) an undo took away


def undo(db: Database, actor: str) -> Undone:
    """Revert the caller's last change: earlier statuses and versions come back exactly; a claim the
    change created is retracted (nothing is deleted). Refused, and audited, if the claims moved on."""
    with db.session() as session:
        record = session.scalars(
            select(PendingAction)
            .where(
                PendingAction.principal == actor,
                PendingAction.status == "done",
                PendingAction.action.in_(UNDOABLE),
            )
            .order_by(PendingAction.id.desc())
        ).first()
        if record is None:
            raise CurationError("You have no change to undo.")
        record_id, action, changes = record.id, record.action, list(record.payload.get("changes", []))
        payload = dict(record.payload)
        first = session.get(Claim, int(changes[0]["claim"])) if changes else None
        subject = first.subject_id if first else None
    if action in NAME_CHANGES:
        return _undo_name_change(db, actor, record_id, action, payload)
    try:
        with db.transaction() as session:
            if subject:
                lock_subject(session, subject)
            record = session.get(PendingAction, record_id, populate_existing=True)
            assert record is not None
            if record.status != "done":
                raise CurationError(f"Change #{record_id} is already {record.status}.")
            restored: list[Claim] = []
            for change in reversed(changes):
                claim = session.get(Claim, int(change["claim"]), populate_existing=True)
                assert claim is not None
                after = change["after"]
                if claim.status != after["status"] or claim.version != after["version"]:
                    raise _Conflict(f"claim #{claim.id} changed after change #{record_id}")
                before_snapshot = claim_snapshot(claim)
                target = change["before"]
                if target is None:
                    _change_status(session, claim, "retracted")
                else:
                    _change_status(session, claim, str(target["status"]), int(target["version"]))
                audit(
                    session,
                    actor,
                    "undo",
                    "claim",
                    str(claim.id),
                    before=before_snapshot,
                    after=claim_snapshot(claim),
                    reason=f"undo of change #{record_id} ({action})",
                )
                restored.append(claim)
            record.status = "undone"
            return Undone(record_id, action, restored)
    except _Conflict as exc:
        raise _refused_undo(db, actor, record_id, exc) from exc


# ---------------------------------------------------------------------------------------------
# History


def _undo_name_change(
    db: Database, actor: str, record_id: int, action: str, payload: dict[str, Any]
) -> Undone:
    """Take back an added alias, or an added entity with its names while nothing refers to it yet."""
    entity_id = str(payload["entity"])
    try:
        with db.transaction() as session:
            record = session.get(PendingAction, record_id, populate_existing=True)
            assert record is not None
            if record.status != "done":
                raise CurationError(f"Change #{record_id} is already {record.status}.")
            query = select(EntityAlias).where(EntityAlias.entity_id == entity_id)
            if action == "alias_add":
                query = query.where(EntityAlias.alias_norm == str(payload["alias_norm"]))
            else:
                _refuse_if_referenced(session, entity_id)
            aliases = list(session.scalars(query))
            removed = [a.alias for a in aliases]
            for alias in aliases:
                session.delete(alias)
            if action == "entity_add":
                session.flush()
                entity = session.get(Entity, entity_id)
                if entity is not None:
                    session.delete(entity)
                removed.append(entity_id)
            audit(session, actor, "undo", "entity", entity_id, before={"removed": removed}, after=None,
                  reason=f"undo of change #{record_id} ({action})")  # fmt: skip
            record.status = "undone"
            return Undone(record_id, action, [], removed)
    except _Conflict as exc:
        raise _refused_undo(db, actor, record_id, exc) from exc


def _refused_undo(db: Database, actor: str, record_id: int, conflict: _Conflict) -> CurationError:
    """Record a refused undo (in its own transaction: the undo's own was rolled back)."""
    with db.transaction() as session:
        audit(session, actor, "refused", "pending_action", str(record_id),
              after={"command": "/ev fact undo", "change": record_id}, reason=f"undo refused: {conflict}")  # fmt: skip
    return CurationError(f"Cannot undo change #{record_id}: {conflict}. Nothing was changed.")


def _refuse_if_referenced(session: Session, entity_id: str) -> None:
    uses = {
        "facts about it": select(Claim.id).where(Claim.subject_id == entity_id),
        "facts naming it": select(Claim.id).where(Claim.value_entity_id == entity_id),
        "news about it": select(Development.id).where(Development.entity_id == entity_id),
        "brands under it": select(Entity.id).where(Entity.parent_id == entity_id),
    }
    found = [what for what, query in uses.items() if session.scalars(query.limit(1)).first() is not None]
    if found:
        raise _Conflict(f"“{entity_id}” already has {', '.join(found)}")


@dataclass
class HistoryEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str  # "claim #12" or the slot
    property: str | None
    before: str | None
    after: str | None
    reason: str | None


def _describe(snapshot: dict[str, Any] | None) -> str | None:
    if not snapshot:
        return None
    if "value" in snapshot and "status" in snapshot:
        return f"{snapshot['value']} ({snapshot['status']}, v{snapshot.get('version', '?')})"
    if "value" in snapshot:
        return str(snapshot["value"])
    return None


def history(session: Session, subject: str, prop: str | None = None, limit: int = 200) -> list[HistoryEntry]:
    """Every audit entry touching ``subject``'s claims (optionally one property), oldest first."""
    query = select(Claim.id).where(Claim.subject_id == subject)
    if prop:
        query = query.where(Claim.property == prop)
    ids = [str(i) for i in session.scalars(query)]
    prefix = f"{subject}|{prop}|" if prop else f"{subject}|"
    rows: list[Audit] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows += session.scalars(select(Audit).where(Audit.target_type == "claim", Audit.target_id.in_(chunk)))
    slot_match = Audit.target_id.startswith(prefix, autoescape=True)
    if prop:
        slot_match = or_(slot_match, Audit.target_id == f"{subject}|{prop}")
    rows += session.scalars(select(Audit).where(Audit.target_type == "slot", slot_match))
    rows.sort(key=lambda a: a.id)
    entries: list[HistoryEntry] = []
    for row in rows[-limit:]:
        snap = row.after or row.before or {}
        target = f"claim #{row.target_id}" if row.target_type == "claim" else f"slot {row.target_id}"
        entries.append(
            HistoryEntry(row.id, _aware(row.at), row.actor, row.action, target, snap.get("property"),
                         _describe(row.before), _describe(row.after), row.reason)
        )  # fmt: skip
    return entries


# ---------------------------------------------------------------------------------------------
# Entities, aliases, review queue


def entity_slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or normalise_name(name)


def _alias_lang(alias: str) -> str:
    return "zh" if re.search(r"[\u3400-\u9fff]", alias) else "en"


def _add_alias(session: Session, entity_id: str, alias: str, kind: str) -> bool:
    norm = normalise_name(alias)
    if not norm:
        raise CurationError(f"“{alias}” cannot be used as a name (no letters or digits).")
    exists = session.scalars(
        select(EntityAlias.id).where(EntityAlias.entity_id == entity_id, EntityAlias.alias_norm == norm)
    ).first()
    if exists is not None:
        return False
    session.add(
        EntityAlias(entity_id=entity_id, alias=alias, alias_norm=norm, lang=_alias_lang(alias), kind=kind)
    )
    session.flush()
    return True


@dataclass
class NewEntity:
    id: str
    name: str
    type: str
    parent_id: str | None
    aliases: list[str]
    tickers: list[str]


def add_entity(
    db: Database, actor: str, name: str, aliases: Sequence[str] = (), tickers: Sequence[str] = (),
    parent_id: str | None = None, entity_type: str | None = None, reason: str | None = None,
) -> NewEntity:  # fmt: skip
    name = " ".join(name.split())
    entity_id = entity_slug(name)
    if not entity_id:
        raise CurationError(f"“{name}” cannot be used as a name.")
    kind = entity_type or ("brand" if parent_id else "company")
    with db.transaction() as session:
        if session.get(Entity, entity_id) is not None:
            raise CurationError(
                f"An entity with id “{entity_id}” already exists; use /ev alias add {entity_id} <alias>."
            )
        zh = next((a for a in aliases if _alias_lang(a) == "zh"), None)
        entity = Entity(
            id=entity_id,
            type=kind,
            name_en=name,
            name_zh=zh,
            parent_id=parent_id,
            ticker=",".join(tickers) or None,
            country=None,
            created_at=now(),
        )
        session.add(entity)
        session.flush()
        _add_alias(session, entity_id, name, "official")
        for alias in aliases:
            _add_alias(session, entity_id, alias, "official" if alias == zh else "short")
        for ticker in tickers:
            _add_alias(session, entity_id, ticker, "ticker")
        _journal(session, actor, "entity_add", {"entity": entity_id})
        audit(session, actor, "entity_add", "entity", entity_id, before=None,
              after={"id": entity_id, "name": name, "type": kind, "parent": parent_id, "aliases": list(aliases),
                     "tickers": list(tickers)}, reason=reason)  # fmt: skip
    return NewEntity(entity_id, name, kind, parent_id, list(aliases), list(tickers))


def add_alias(db: Database, actor: str, entity_id: str, alias: str, reason: str | None = None) -> bool:
    with db.transaction() as session:
        added = _add_alias(session, entity_id, alias, "short")
        if added:
            _journal(session, actor, "alias_add", {"entity": entity_id, "alias_norm": normalise_name(alias)})
            audit(session, actor, "alias_add", "entity", entity_id, after={"alias": alias}, reason=reason)
        return added


def open_review(session: Session, limit: int = 20) -> list[ReviewItem]:
    return list(
        session.scalars(
            select(ReviewItem)
            .where(ReviewItem.status == "open")
            .order_by(ReviewItem.count.desc(), ReviewItem.id)
            .limit(limit)
        )
    )


def _review_item(session: Session, item_id: int) -> ReviewItem:
    item = session.get(ReviewItem, item_id, populate_existing=True)
    if item is None:
        raise CurationError(f"There is no review item #{item_id}.")
    if item.status != "open":
        raise CurationError(f"Review item #{item_id} is already {item.status}.")
    return item


def _review_claim_id(item: ReviewItem) -> int:
    digits = item.key.split(":")[-1]
    if not digits.isdigit():
        raise CurationError(f"Review item #{item.id} does not name a claim.")
    return int(digits)


def _close_review(db: Database, actor: str, item_id: int, status: str, detail: dict[str, Any]) -> None:
    with db.transaction() as session:
        item = _review_item(session, item_id)
        before = {"kind": item.kind, "label": item.label, "status": item.status}
        item.status = status
        item.updated_at = now()
        audit(
            session,
            actor,
            f"review_{status}",
            "review_item",
            str(item.id),
            before=before,
            after={**before, "status": status, **detail},
        )


def _peek_review(db: Database, item_id: int) -> tuple[str, str, str]:
    with db.session() as session:
        item = _review_item(session, item_id)
        return item.kind, item.label, item.key


def review_approve(db: Database, actor: str, item_id: int) -> str:
    """Unknown organisation → a new entity; low-confidence claim → confirmed. Returns what was done."""
    kind, label, _key = _peek_review(db, item_id)
    if kind == "unknown_org":
        entity = add_entity(db, actor, label, reason=f"approved review item #{item_id}")
        _close_review(db, actor, item_id, "approved", {"entity": entity.id})
        return f"Added {entity.name} as a new company (id {entity.id})."
    with db.session() as session:
        claim_id = _review_claim_id(_review_item(session, item_id))
    confirm(db, actor, claim_id, reason=f"approved review item #{item_id}")
    _close_review(db, actor, item_id, "approved", {"claim": claim_id})
    return f"Confirmed claim #{claim_id}."


def review_reject(db: Database, actor: str, item_id: int) -> str:
    kind, label, _key = _peek_review(db, item_id)
    if kind == "unknown_org":
        _close_review(db, actor, item_id, "rejected", {})
        return f"Rejected “{label}”: it stays out of the knowledge base."
    with db.session() as session:
        claim_id = _review_claim_id(_review_item(session, item_id))
    retract(db, actor, claim_id, reason=f"rejected review item #{item_id}")
    _close_review(db, actor, item_id, "rejected", {"claim": claim_id})
    return f"Retracted claim #{claim_id}."


def review_merge(db: Database, actor: str, item_id: int, entity_id: str) -> str:
    kind, label, _key = _peek_review(db, item_id)
    if kind != "unknown_org":
        raise CurationError(f"Review item #{item_id} is not an organisation name; use approve or reject.")
    add_alias(db, actor, entity_id, label, reason=f"merged review item #{item_id}")
    _close_review(db, actor, item_id, "merged", {"entity": entity_id})
    return f"“{label}” is now an alias of {entity_id}."


# ---------------------------------------------------------------------------------------------
# Admins


def stored_admins(session: Session) -> list[Admin]:
    return list(session.scalars(select(Admin).order_by(Admin.principal)))


def add_admin(db: Database, actor: str, principal: str) -> bool:
    with db.transaction() as session:
        if session.get(Admin, principal) is not None:
            return False
        session.add(Admin(principal=principal, added_by=actor, added_at=now()))
        audit(session, actor, "admin_add", "admin", principal, after={"principal": principal})
        return True


def remove_admin(db: Database, actor: str, principal: str) -> bool:
    with db.transaction() as session:
        row = session.get(Admin, principal)
        if row is None:
            return False
        before = {"principal": row.principal, "added_by": row.added_by}
        session.delete(row)  # the admin grant, not knowledge: the audit row keeps who and when
        audit(session, actor, "admin_remove", "admin", principal, before=before)
        return True
