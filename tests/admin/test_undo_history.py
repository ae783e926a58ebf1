"""Retract, confirm, undo (exact restoration) and the history of a company's facts."""

from __future__ import annotations

from bot.core import Core
from knowledge.db import Database
from knowledge.schema import Audit
from tests.admin.support import ADMIN, USER, ask, audits, ceo_claim, claim_rows, claims, text_of


def test_undo_of_a_set_restores_exactly(admin_core: Core, db: Database) -> None:
    before = claim_rows(db)
    ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"', confirmed=True)
    middle = claim_rows(db)
    assert middle != {k: v for k, v in middle.items() if k in before}  # something changed
    reply = ask(admin_core, "/ev fact undo")
    assert reply.kind == "answer", text_of(reply)
    after = claim_rows(db)
    assert {k: after[k] for k in before} == before  # every earlier claim exactly as it was
    (new_id,) = set(after) - set(before)
    assert after[new_id]["status"] == "retracted"  # never deleted
    undo_rows = audits(db, "undo")
    assert {a.target_id for a in undo_rows} == {str(new_id), str(ceo_claim(db).id)}
    assert all(a.actor == ADMIN and a.before and a.after and a.target_type == "claim" for a in undo_rows)
    assert "He Xiaopeng" in text_of(ask(admin_core, "/ev compare xpeng li-auto", USER))


def test_undo_of_retract_and_confirm(admin_core: Core, db: Database) -> None:
    before = claim_rows(db)
    claim = ceo_claim(db)
    assert ask(admin_core, f"/ev fact retract #{claim.id} misread").kind == "answer"
    assert claim_rows(db)[claim.id]["status"] == "retracted"
    assert ask(admin_core, "/ev fact undo").kind == "answer"
    assert claim_rows(db) == before
    assert ask(admin_core, f"/ev fact confirm {claim.id}").kind == "answer"
    assert claim_rows(db)[claim.id]["status"] == "confirmed"
    assert ask(admin_core, "/ev fact undo").kind == "answer"
    assert claim_rows(db) == before
    assert ask(admin_core, "/ev fact undo").kind == "usage"  # nothing left to undo


def test_undo_is_per_admin_and_refused_when_things_moved_on(admin_core: Core, db: Database) -> None:
    ask(admin_core, f"/ev admin add {USER}")
    ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"', confirmed=True)
    jane = next(c for c in claims(db, "xpeng", "ceo") if c.value_text == "Jane Doe")
    assert ask(admin_core, f"/ev fact retract {jane.id} not true", USER).kind == "answer"
    state = claim_rows(db)
    reply = ask(admin_core, "/ev fact undo")  # alice's set: jane's claim has moved on
    assert reply.kind == "usage" and "Cannot undo" in text_of(reply)
    assert claim_rows(db) == state
    assert any(a.target_type == "pending_action" for a in audits(db, "refused"))
    assert ask(admin_core, "/ev fact undo", USER).kind == "answer"  # bob's own retraction


def test_retract_and_confirm_errors(admin_core: Core) -> None:
    assert ask(admin_core, "/ev fact retract 9999").kind == "usage"
    assert ask(admin_core, "/ev fact retract abc").kind == "usage"
    assert ask(admin_core, "/ev fact confirm").kind == "usage"
    assert ask(admin_core, "/ev fact frobnicate").kind == "usage"


def test_confirm_settles_a_conflict(admin_core: Core, db: Database) -> None:
    old = ceo_claim(db)
    # an extracted rival value creates a conflict
    from knowledge.store import ClaimInput, upsert_claim
    from knowledge.values import Text

    with db.transaction() as session:
        rival, _ = upsert_claim(
            session, ClaimInput("xpeng", "ceo", Text("Brian Gu"), {}, None, 0.5, "rules", "1")
        )
        rival_id = rival.id
    conflicts = ask(admin_core, "/ev conflicts xpeng", USER)
    text = text_of(conflicts)
    assert "Brian Gu" in text and "He Xiaopeng" in text
    assert f"/ev fact confirm {rival_id}" in text and "/ev fact set xpeng ceo <value>" in text
    assert conflicts.citations  # each value with its sources
    assert ask(admin_core, f"/ev fact confirm {rival_id}").kind == "answer"
    rows = {c.id: c for c in claims(db, "xpeng", "ceo")}
    assert rows[rival_id].status == "confirmed" and rows[old.id].status == "overridden"
    assert "No disputed values" in text_of(ask(admin_core, "/ev conflicts xpeng", USER))
    actions = [a.action for a in audits(db) if a.target_type == "claim"]
    assert actions == ["confirm", "override"]


def test_history_lists_every_change(admin_core: Core, db: Database) -> None:
    ask(admin_core, '/ev fact set xpeng ceo "Jane Doe" note "board vote"', confirmed=True)
    ask(admin_core, "/ev fact undo")
    reply = ask(admin_core, "/ev fact history xpeng", USER)
    text = text_of(reply)
    for word in (
        "set claim",
        "override claim",
        "undo claim",
        ADMIN,
        "Jane Doe",
        "He Xiaopeng",
        "board vote",
        "→",
    ):
        assert word in text, word
    with db.session() as session:
        count = session.query(Audit).filter(Audit.target_type == "claim").count()
    assert len(reply.sections[0].bullets) == count
    assert "No changes" in text_of(ask(admin_core, "/ev fact history li-auto ceo", USER))
    assert ask(admin_core, "/ev fact history xpeng ceoo", USER).kind == "usage"


def test_undo_takes_back_an_added_alias_and_the_bot_forgets_the_name(admin_core: Core, db: Database) -> None:
    ask(admin_core, '/ev fact set xpeng ceo "Jane Doe"', confirmed=True)
    assert ask(admin_core, "/ev alias add xpeng 小鹏汽车测试").kind == "answer"
    assert ask(admin_core, "/ev brief 小鹏汽车测试", USER).kind == "answer"  # the new name works
    reply = ask(admin_core, "/ev fact undo")
    assert reply.kind == "answer" and "alias add" in reply.title and "小鹏汽车测试" in text_of(reply)
    assert ask(admin_core, "/ev brief 小鹏汽车测试", USER).kind != "answer"  # forgotten at once
    assert any(a.target_id == "xpeng" and a.target_type == "entity" for a in audits(db, "undo"))
    # the earlier fact change is next in line, untouched by the first undo
    assert any(c.value_text == "Jane Doe" and c.status != "retracted" for c in claims(db, "xpeng", "ceo"))
    assert "fact set" in ask(admin_core, "/ev fact undo").title


def test_undo_of_an_added_entity_and_its_refusal_once_it_is_used(admin_core: Core, db: Database) -> None:
    assert ask(admin_core, '/ev entity add "Onvo Test" alias 乐道测试 parent nio').kind == "answer"
    assert ask(admin_core, "/ev brief onvo-test", USER).kind == "answer"
    reply = ask(admin_core, "/ev fact undo")
    assert reply.kind == "answer" and "onvo-test" in text_of(reply)
    assert ask(admin_core, "/ev brief 乐道测试", USER).kind != "answer"

    assert ask(admin_core, '/ev entity add "Onvo Test" parent nio').kind == "answer"
    ask(admin_core, '/ev fact set onvo-test ceo "Shen Fei"', confirmed=True)
    refused = ask(admin_core, "/ev fact undo")  # alice's last change is the fact: undone first
    assert "fact set" in refused.title
    refused = ask(admin_core, "/ev fact undo")  # now the entity: it has (retracted) facts about it
    assert refused.kind != "answer" and "already has facts about it" in text_of(refused)
    assert ask(admin_core, "/ev brief onvo-test", USER).kind == "answer"  # nothing was changed
    assert any("undo refused" in (a.reason or "") for a in audits(db, "refused"))
