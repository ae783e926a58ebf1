"""Every mutating command refuses non-admins, says which permission is missing, and is audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands import ingest_cmd
from bot.core import Core
from bot.policy import PLATFORM_ADMIN, decide, removal_refusal, valid_principal
from knowledge.db import Database
from tests.admin.support import ADMIN, USER, ask, audits, ceo_claim, text_of
from tests.support import make_core, make_settings

MUTATING = [
    '/ev fact set xpeng ceo "Jane Doe"',
    "/ev fact retract 1",
    "/ev fact confirm 1",
    "/ev fact undo",
    "/ev confirm",
    "/ev confirm 3",
    "/ev cancel",
    "/ev admin add console:local:mallory",
    "/ev admin remove console:local:alice",
    "/ev admin list",
    "/ev review",
    "/ev review approve 1",
    "/ev entity add Onvo alias 乐道 parent nio",
    "/ev alias add xpeng 小鹏汽车",
    "/ev ingest https://example.com/a",
    "/ev ingest not-a-url",  # the permission check comes before argument checks
    "/ev fact set xpeng founded not-a-date",
]


@pytest.mark.parametrize("command", MUTATING)
def test_non_admin_is_refused_and_audited(admin_core: Core, db: Database, command: str) -> None:
    reply = ask(admin_core, command, USER)
    assert reply.kind == "refused"
    assert "edit the knowledge base (admin)" in text_of(reply)
    assert f"/ev admin add {USER}" in text_of(reply)
    rows = [a for a in audits(db, "refused") if a.actor == USER]
    assert len(rows) == 1
    assert rows[0].after is not None
    assert rows[0].after["command"] == command
    assert rows[0].after["permission"] == "admin"


def test_refusal_changes_nothing(admin_core: Core, db: Database) -> None:
    before = ceo_claim(db)
    ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"', USER, confirmed=True)
    after = ceo_claim(db)
    assert (after.id, after.status, after.version) == (before.id, before.status, before.version)


def test_reads_are_open_to_everyone(admin_core: Core) -> None:
    assert ask(admin_core, "/ev fact history xpeng", USER).kind == "answer"
    assert ask(admin_core, "/ev conflicts", USER).kind == "answer"
    assert ask(admin_core, "/ev conflicts xpeng", USER).kind == "answer"


def test_platform_admin_role_grants_admin(admin_core: Core) -> None:
    reply = ask(
        admin_core, '/ev fact set xpeng ceo "Jane Doe"', "slack:T1:U9", roles=frozenset({PLATFORM_ADMIN})
    )
    assert reply.kind == "confirm"


def test_admin_add_list_remove(admin_core: Core, db: Database) -> None:
    assert ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"', USER).kind == "refused"
    reply = ask(admin_core, f"/ev admin add {USER}")
    assert reply.kind == "answer", text_of(reply)
    assert ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"', USER).kind == "confirm"
    listing = text_of(ask(admin_core, "/ev admin list", USER))
    assert ADMIN in listing and f"{USER} (added by {ADMIN}" in listing
    assert ask(admin_core, f"/ev admin add {USER}").kind == "info"
    # configured admins cannot be removed from chat
    reply = ask(admin_core, f"/ev admin remove {ADMIN}", USER)
    assert reply.kind == "usage" and "EVBOT_ADMINS" in text_of(reply)
    assert ask(admin_core, f"/ev admin remove {USER}").kind == "answer"
    assert ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"', USER).kind == "refused"
    actions = [(a.action, a.actor, a.target_id) for a in audits(db) if a.target_type == "admin"]
    assert actions == [("admin_add", ADMIN, USER), ("admin_remove", ADMIN, USER)]


def test_admin_add_validates_principal(admin_core: Core) -> None:
    reply = ask(admin_core, "/ev admin add bob")
    assert reply.kind == "usage" and "platform:workspace:user" in text_of(reply)


def test_ingest_when_fetching_is_unavailable(admin_core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_cmd, "load_ingest_url", lambda: None)
    reply = ask(admin_core, "/ev ingest https://example.com/a")
    assert reply.kind == "error" and "not available" in text_of(reply)


def test_ingest_delegates_to_fetch(admin_core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    class Result:
        outcome = "new"
        reason = None
        claims_added = 3

    def fake(db: Database, url: str, extractor: object) -> Result:
        calls.append(url)
        return Result()

    monkeypatch.setattr(ingest_cmd, "load_ingest_url", lambda: fake)
    reply = ask(admin_core, "/ev ingest https://example.com/a")
    assert calls == ["https://example.com/a"]
    assert "3 new claim(s)" in text_of(reply)


def test_policy_is_pure() -> None:
    admins = frozenset({ADMIN})
    assert decide("admin", ADMIN, frozenset(), admins).allowed
    refused = decide("admin", USER, frozenset(), admins)
    assert not refused.allowed and USER in refused.reason
    assert decide("admin", USER, frozenset({PLATFORM_ADMIN}), admins).allowed
    assert (
        valid_principal("slack:T1:U2") and not valid_principal("slack:U2") and not valid_principal("a:b: c")
    )
    assert removal_refusal(ADMIN, admins, frozenset()) is not None
    assert removal_refusal(USER, frozenset(), frozenset({USER})) is not None  # the last admin
    assert removal_refusal(USER, admins, frozenset({USER})) is None


def test_no_admins_configured_refuses_everyone(db: Database, tmp_path: Path) -> None:
    core = make_core(db, make_settings(tmp_path), seed=True)
    assert ask(core, "/ev admin add console:local:x").kind == "refused"
