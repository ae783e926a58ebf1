"""``/ev fact set``: preview, confirmation, overrides, audit, value checks and stale previews."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.core import Core
from knowledge.db import Database
from knowledge.schema import Claim, PendingAction
from knowledge.store import claim_snapshot
from tests.admin.support import ADMIN, USER, ask, audits, ceo_claim, claims, text_of


def test_preview_shows_current_value_and_asks_to_confirm(admin_core: Core, db: Database) -> None:
    old = ceo_claim(db)
    reply = ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"')
    assert reply.kind == "confirm"
    text = text_of(reply)
    assert "He Xiaopeng" in text and "Jane Doe" in text and "overridden" in text
    with db.session() as session:
        pending = session.query(PendingAction).one()
    assert pending.status == "pending" and pending.principal == ADMIN and pending.slot_fingerprint
    assert [(a.label, a.command) for a in reply.actions] == [
        ("Confirm", f"/ev confirm {pending.id}"),
        ("Cancel", f"/ev cancel {pending.id}"),
    ]
    # nothing changes before the confirmation
    assert ceo_claim(db).id == old.id and ceo_claim(db).status == "extracted"


def test_confirm_applies_the_change(admin_core: Core, db: Database) -> None:
    old = ceo_claim(db)
    ask(
        admin_core,
        '/ev fact set xpeng ceo "Jane Doe" as of 2025-06 source https://example.com/ceo note "press release"',
    )
    reply = ask(admin_core, "/ev confirm")
    assert reply.kind == "answer", text_of(reply)
    rows = {c.id: c for c in claims(db, "xpeng", "ceo")}
    new = next(c for c in rows.values() if c.value_text == "Jane Doe")
    assert new.status == "confirmed" and new.created_by == ADMIN and new.extractor == "admin"
    assert (
        new.source_url == "https://example.com/ceo" and new.note == "press release" and new.as_of == "2025-06"
    )
    assert rows[old.id].status == "overridden" and rows[old.id].version == old.version + 1
    set_rows = audits(db, "set")
    override_rows = audits(db, "override")
    assert len(set_rows) == 1 and len(override_rows) == 1
    assert set_rows[0].target_type == "claim" and set_rows[0].target_id == str(new.id)
    assert set_rows[0].before is None and set_rows[0].after == claim_snapshot(new)
    assert set_rows[0].reason == "press release" and set_rows[0].actor == ADMIN
    override = override_rows[0]
    assert override.target_id == str(old.id) and override.before is not None and override.after is not None
    assert override.before["status"] == "extracted" and override.after["status"] == "overridden"
    assert override.after == claim_snapshot(rows[old.id])
    # the admin-set fact is cited as "set by <admin> on <date>" with its source, in compare and brief
    for command in ("/ev compare xpeng li-auto", "/ev brief xpeng"):
        shown = ask(admin_core, command, USER)
        cited = [c for c in shown.citations if c.admin == ADMIN]
        assert cited and cited[0].url == "https://example.com/ceo"
        assert f"set by {ADMIN} on " in text_of(shown) and "Jane Doe" in text_of(shown)


def test_yes_applies_at_once(admin_core: Core, db: Database) -> None:
    reply = ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"', confirmed=True)
    assert reply.kind == "answer" and "Jane Doe" in reply.title
    assert any(c.value_text == "Jane Doe" and c.status == "confirmed" for c in claims(db, "xpeng", "ceo"))


def test_setting_the_confirmed_value_again_changes_nothing(admin_core: Core) -> None:
    ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"', confirmed=True)
    reply = ask(admin_core, '/ev fact set xpeng ceo "jane doe"')
    assert reply.kind == "info" and not reply.actions


def test_cancel(admin_core: Core, db: Database) -> None:
    ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"')
    assert ask(admin_core, "/ev cancel").kind == "info"
    assert ask(admin_core, "/ev confirm").kind == "usage"
    assert all(c.value_text != "Jane Doe" for c in claims(db, "xpeng", "ceo"))


def test_only_the_previewer_confirms(admin_core: Core) -> None:
    reply = ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"')
    ask(admin_core, "/ev admin add console:local:carol")
    pending = reply.actions[0].command.split()[-1]
    other = ask(admin_core, f"/ev confirm {pending}", "console:local:carol")
    assert other.kind == "usage" and "only they can confirm" in text_of(other)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/ev fact set li-auto parameters 72 billion parameters model MindVLA", "72 billion parameters"),
        ('/ev fact set xpeng price "RMB 150,000" model g6', "RMB 150,000"),
        ("/ev fact set nio founded 2014-11", "Nov 2014"),
        ("/ev fact set nio hq Shanghai", "Shanghai"),
        ("/ev fact set nio employees about 30,000 people", "about 30,000 people"),
        ("/ev fact set xpeng chief executive Jane Doe", "Jane Doe"),
    ],
)
def test_values_of_each_type(admin_core: Core, command: str, expected: str) -> None:
    reply = ask(admin_core, command, confirmed=True)
    assert reply.kind == "answer", text_of(reply)
    assert expected in reply.title


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            '/ev fact set nio employees "72 billion parameters"',
            "Employees is measured in people, not parameters",
        ),
        ('/ev fact set nio employees "Jane Doe"', "Employees takes a number of people"),
        ("/ev fact set xpeng price 150000 model g6", "has no currency"),
        ("/ev fact set xpeng price 150000 people model g6", "measured in CNY or USD or EUR, not people"),
        ('/ev fact set nio founded "Jane Doe"', "Founded takes a date"),
        ("/ev fact set nio founded 2024-13", "Founded takes a date"),
        ("/ev fact set li-auto parameters 72 billion parameters", "add `model <name>`"),
        ("/ev fact set nio ceo X source not-a-url", "must be a web address"),
        ("/ev fact set nio ceo", "needs a company, a property and a value"),
        ("/ev fact set nio ceo X as of yesterday", "as of:"),
    ],
)
def test_wrong_values_are_usage_errors(admin_core: Core, db: Database, command: str, message: str) -> None:
    reply = ask(admin_core, command)
    assert reply.kind == "usage"
    assert message in text_of(reply)
    with db.session() as session:
        assert session.query(PendingAction).count() == 0


def test_unknown_property_suggests(admin_core: Core) -> None:
    reply = ask(admin_core, "/ev fact set xpeng ceoo Jane")
    assert (
        reply.kind == "usage"
        and "Unknown property “ceoo”" in text_of(reply)
        and "ceo (CEO)" in text_of(reply)
    )


def test_unknown_company_suggests(admin_core: Core) -> None:
    reply = ask(admin_core, "/ev fact set xpemg ceo Jane")
    assert reply.kind == "not_found" and "Did you mean" in text_of(reply) and "xpeng" in text_of(reply)


def test_stale_preview_is_refused_and_audited(admin_core: Core, db: Database) -> None:
    first = ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"')
    # the slot changes after the preview (e.g. another admin retracts the old claim)
    old = ceo_claim(db)
    assert ask(admin_core, f"/ev fact retract {old.id} wrong").kind == "answer"
    pending = first.actions[0].command.split()[-1]
    reply = ask(admin_core, f"/ev confirm {pending}")
    assert reply.kind == "refused"
    assert "changed since the preview" in text_of(reply)
    assert all(c.value_text != "Jane Doe" for c in claims(db, "xpeng", "ceo"))
    refused = [a for a in audits(db, "refused") if a.target_type == "slot"]
    assert len(refused) == 1 and refused[0].actor == ADMIN and refused[0].target_id == "xpeng|ceo"
    with db.session() as session:
        assert session.get(PendingAction, int(pending)).status == "refused"  # type: ignore[union-attr]
    # and it shows in the history
    assert "refused" in text_of(ask(admin_core, "/ev fact history xpeng ceo"))


def test_slot_change_by_ingestion_also_invalidates(admin_core: Core, db: Database) -> None:
    ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"')
    with db.transaction() as session:
        session.execute(
            update(Claim)
            .where(Claim.subject_id == "xpeng", Claim.property == "ceo")
            .values(version=Claim.version + 1)
        )
    assert ask(admin_core, "/ev confirm").kind == "refused"


def test_injection_is_stored_verbatim_and_not_formatted(admin_core: Core, db: Database) -> None:
    hostile = "<!channel> @everyone <@U123> **bold**"
    reply = ask(
        admin_core, f"/ev fact set xpeng ceo '{hostile}' note '@here <!everyone> _x_'", confirmed=True
    )
    assert reply.kind == "answer"
    new = next(c for c in claims(db, "xpeng", "ceo") if c.status == "confirmed")
    assert new.value_text == hostile and new.note == "@here <!everyone> _x_"
    shown = ask(admin_core, "/ev brief xpeng", USER)
    texts = [i.text for s in shown.sections for f in s.fields for i in f.items]
    assert any(hostile in t for t in texts)  # plain text in the model; each renderer escapes it
    assert all("*" + hostile not in t and "`" + hostile not in t for t in texts)


def test_expired_preview_is_refused(admin_core: Core, db: Database) -> None:
    from datetime import timedelta

    from knowledge.curation import PENDING_TTL, StaleRefusal, apply_pending
    from knowledge.store import now

    ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"')
    outcome = apply_pending(db, ADMIN, None, now() + PENDING_TTL + timedelta(minutes=1))
    assert isinstance(outcome, StaleRefusal) and "expired" in outcome.reason
    with db.session() as session:
        assert session.query(PendingAction).one().status == "expired"


def test_multi_valued_property_adds_a_value(admin_core: Core, db: Database) -> None:
    reply = ask(admin_core, '/ev fact set nio founder "William Li"', confirmed=True)
    assert reply.kind == "answer", text_of(reply)
    reply = ask(admin_core, '/ev fact set nio founder "Jack Cheng"', confirmed=True)
    assert reply.kind == "answer", text_of(reply)
    founders = [c for c in claims(db, "nio", "founder") if c.status == "confirmed"]
    assert {c.value_text for c in founders} >= {"William Li", "Jack Cheng"}
    assert not audits(db, "override")


def test_injection_stays_inert_through_the_slack_renderer(admin_core: Core) -> None:
    render = pytest.importorskip("adapters.slack.render")
    import json

    hostile = "<!channel> @everyone <@U123> **bold**"
    ask(admin_core, f"/ev fact set xpeng ceo '{hostile}'", confirmed=True)
    for command in ("/ev brief xpeng", "/ev fact history xpeng"):
        blocks = json.dumps(render.to_block_kit(ask(admin_core, command, USER)), ensure_ascii=False)
        assert "<!channel>" not in blocks and "<@U123>" not in blocks
        assert "&lt;!channel&gt;" in blocks
