"""``/ev entity add``, ``/ev alias add`` and the review queue."""

from __future__ import annotations

from bot.core import Core
from knowledge.db import Database
from knowledge.schema import Entity, ReviewItem
from knowledge.store import ClaimInput, now, upsert_claim
from knowledge.values import Text
from tests.admin.support import USER, ask, audits, text_of


def _review(db: Database, kind: str, key: str, label: str) -> int:
    with db.transaction() as session:
        item = ReviewItem(
            kind=kind,
            key=key,
            label=label,
            count=2,
            example_quote="… Onvo L60 …",
            status="open",
            created_at=now(),
            updated_at=now(),
        )
        session.add(item)
        session.flush()
        return item.id


def test_entity_add_with_alias_and_parent(admin_core: Core, db: Database) -> None:
    reply = ask(admin_core, '/ev entity add "Nebula Motors" alias 星云汽车 NBM parent nio')
    assert reply.kind == "answer", text_of(reply)
    with db.session() as session:
        new = session.get(Entity, "nebula-motors")
        assert (
            new is not None and new.parent_id == "nio" and new.type == "brand" and new.name_zh == "星云汽车"
        )
    assert ask(admin_core, "/ev brief 星云汽车", USER).title == "Brief: Nebula Motors"
    assert ask(admin_core, "/ev brief nbm", USER).title == "Brief: Nebula Motors"
    assert ask(admin_core, "/ev entity add Onvo").kind == "usage"  # exists already (seed list)
    assert ask(admin_core, '/ev entity add "Nebula Motors"').kind == "usage"
    assert ask(admin_core, "/ev entity add Foo parent nowhere-co").kind == "not_found"
    assert ask(admin_core, "/ev entity add Foo 123").kind == "usage"
    assert [a.target_id for a in audits(db, "entity_add")] == ["nebula-motors"]


def test_alias_add(admin_core: Core, db: Database) -> None:
    assert ask(admin_core, "/ev brief 小鹏汽车x", USER).kind == "not_found"
    assert ask(admin_core, "/ev alias add xpeng 小鹏汽车x").kind == "answer"
    assert ask(admin_core, "/ev brief 小鹏汽车x", USER).title == "Brief: Xpeng"
    assert ask(admin_core, "/ev alias add xpeng 小鹏汽车x").kind == "info"
    assert len(audits(db, "alias_add")) == 1


def test_review_queue_approve_reject_merge(admin_core: Core, db: Database) -> None:
    a = _review(db, "unknown_org", "quasarev", "Quasar EV")
    b = _review(db, "unknown_org", "onvoauto", "Onvo Auto")
    c = _review(db, "unknown_org", "acme", "Acme")
    listing = text_of(ask(admin_core, "/ev review"))
    assert "Quasar EV" in listing and "Onvo Auto" in listing and "unknown organisation" in listing
    assert ask(admin_core, f"/ev review approve {a}").kind == "answer"
    with db.session() as session:
        assert session.get(Entity, "quasar-ev") is not None
    assert ask(admin_core, f"/ev review merge {b} nio").kind == "answer"
    assert ask(admin_core, "/ev brief 'onvo auto'", USER).title.lower() == "brief: nio"
    assert ask(admin_core, f"/ev review reject {c}").kind == "answer"
    assert ask(admin_core, f"/ev review reject {c}").kind == "usage"  # already closed
    assert "empty" in text_of(ask(admin_core, "/ev review"))
    actions = [x.action for x in audits(db) if x.target_type == "review_item"]
    assert actions == ["review_approved", "review_merged", "review_rejected"]


def test_review_low_confidence_claims(admin_core: Core, db: Database) -> None:
    with db.transaction() as session:
        claim, _ = upsert_claim(
            session, ClaimInput("nio", "headquarters", Text("Hefei"), {}, None, 0.3, "rules", "1")
        )
        first = claim.id
        claim, _ = (
            upsert_claim(session, ClaimInput("nio", "employees", Text("x"), {}, None, 0.3, "rules", "1"))
            if False
            else upsert_claim(
                session, ClaimInput("nio", "headquarters", Text("Mars"), {}, None, 0.2, "rules", "1")
            )
        )
        second = claim.id
    good = _review(db, "low_confidence", f"claim:{first}", "NIO headquarters: Hefei")
    bad = _review(db, "low_confidence", f"claim:{second}", "NIO headquarters: Mars")
    assert ask(admin_core, f"/ev review reject {bad}").kind == "answer"
    assert ask(admin_core, f"/ev review approve {good}").kind == "answer"
    assert {a.action for a in audits(db) if a.target_type == "claim"} == {"retract", "confirm"}
    assert ask(admin_core, "/ev review merge 99 nio").kind == "usage"
