"""Two confirmations of conflicting edits of one slot at the same moment: one wins, one is refused.

Each side has its own engine (its own connections) on the same SQLite file or PostgreSQL schema,
and the window between reading the slot and writing it is widened so that, without the lock,
both would pass the fingerprint check.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.core import Core
from bot.reply import Reply
from knowledge import curation
from knowledge.db import Database
from knowledge.schema import Claim
from tests.admin.support import ADMIN, ask, audits, claims, text_of
from tests.support import make_settings

CAROL = "console:local:carol"


def test_conflicting_confirmations_one_wins(
    admin_core: Core, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask(admin_core, f"/ev admin add {CAROL}")
    first = ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"')
    second = ask(admin_core, '/ev fact set xpeng ceo "John Roe"', CAROL)
    assert first.kind == second.kind == "confirm"

    original = curation.slot_claims

    def slow_slot_claims(session: Session, slot: str) -> list[Claim]:
        found = original(session, slot)
        time.sleep(0.3)  # both sides would read the same state here without the lock
        return found

    monkeypatch.setattr(curation, "slot_claims", slow_slot_claims)
    settings = make_settings(tmp_path, admins=ADMIN)
    barrier = threading.Barrier(2)
    replies: dict[str, Reply] = {}
    errors: list[BaseException] = []

    def confirm(principal: str, command: str) -> None:
        engine_db = Database(db.url, schema=db.schema)  # a separate engine: separate connections
        try:
            core = Core(engine_db, settings)
            barrier.wait()
            replies[principal] = ask(core, command, principal)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            engine_db.dispose()

    threads = [
        threading.Thread(target=confirm, args=(ADMIN, first.actions[0].command)),
        threading.Thread(target=confirm, args=(CAROL, second.actions[0].command)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    kinds = sorted(reply.kind for reply in replies.values())
    assert kinds == ["answer", "refused"], [text_of(r) for r in replies.values()]
    winner = next(p for p, r in replies.items() if r.kind == "answer")
    loser = next(p for p, r in replies.items() if r.kind == "refused")
    assert "changed since the preview" in text_of(replies[loser])

    confirmed = [c for c in claims(db, "xpeng", "ceo") if c.status == "confirmed"]
    assert len(confirmed) == 1 and confirmed[0].created_by == winner
    # the audit log has both attempts: the winner's set, the loser's refusal
    sets = audits(db, "set")
    refusals = [a for a in audits(db, "refused") if a.target_type == "slot"]
    assert [a.actor for a in sets] == [winner]
    assert [a.actor for a in refusals] == [loser]
    assert refusals[0].target_id == "xpeng|ceo"
