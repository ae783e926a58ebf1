"""Digest content: only what is new since the channel's last digest, before → after, corrections first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.app import prepare_store
from bot.digest.content import MAX_BULLETS, Scope, compose
from bot.reply import Reply
from bot.text import to_text
from knowledge.db import Database
from knowledge.schema import DigestDelivery
from tests.digest.helpers import article, at, development, fact, override, quantity, text
from tests.support import fresh_database

XPENG = Scope(companies=("xpeng",), tz="Asia/Shanghai")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Database]:
    with fresh_database("sqlite", tmp_path) as db:
        prepare_store(db, seed=False)
        yield db


def record_sent(
    db: Database, channel: str, day: str, digest_end: object, carried: list[dict[str, object]]
) -> None:
    with db.transaction() as session:
        session.add(DigestDelivery(platform="console", channel=channel, digest_date=day, status="sent",
                                   window_end=digest_end, carried=carried, attempts=1))  # fmt: skip


def all_cited(reply: Reply) -> bool:
    return all(bullet.citations for section in reply.sections for bullet in section.bullets)


def test_two_days_show_only_what_is_new_with_before_and_after(store: Database) -> None:
    with store.transaction() as s:
        a1 = article(s, "https://cnevpost.example/1", "CnEVPost", "2026-11-01", at("2026-11-01 02:00"))
        fact(s, a1, "xpeng", "ceo", text("He Xiaopeng"), at("2026-11-01 02:00"))
        fact(s, a1, "xpeng", "employees", quantity(15000, "people"), at("2026-11-01 02:00"))
        development(s, a1, "xpeng", "Xpeng delivered 30,000 vehicles in October.", at("2026-11-01 02:00"))
        development(s, a1, "nio", "Nio delivered 40,000 vehicles in October.", at("2026-11-01 02:00"))
    with store.session() as s:
        first = compose(s, "console", "xp", XPENG, at("2026-11-01 03:00"), digest_date=date(2026, 11, 1))
    body = to_text(first.reply)
    assert "He Xiaopeng (new)" in body and "15,000" in body
    assert "Xpeng delivered 30,000" in body and "Nio" not in body
    assert all_cited(first.reply) and first.reply.citations[0].publisher == "CnEVPost"
    record_sent(store, "xp", "2026-11-01", at("2026-11-01 03:00"), first.carried)

    with store.transaction() as s:
        a2 = article(s, "https://36kr.example/2", "36Kr", "2026-11-02", at("2026-11-02 02:00"))
        fact(s, a2, "xpeng", "employees", quantity(18000, "people"), at("2026-11-02 02:00"))
        fact(s, a2, "xpeng", "employees", quantity(18000, "people"), at("2026-11-02 02:00"))
        development(s, a2, "xpeng", "Xpeng opened a research centre in Munich.", at("2026-11-02 02:00"), "rd")
    with store.session() as s:
        second = compose(s, "console", "xp", XPENG, at("2026-11-02 03:00"), digest_date=date(2026, 11, 2))
    body = to_text(second.reply)
    assert "Employees: 15,000 people → 18,000 people (+3,000, +20.0%)" in body
    assert "He Xiaopeng" not in body  # unchanged: not repeated
    assert "30,000 vehicles" not in body and "Munich" in body
    assert all_cited(second.reply)


def test_a_story_from_several_outlets_is_one_bullet(store: Database) -> None:
    when = at("2026-11-02 02:00")
    with store.transaction() as s:
        for i, publisher in enumerate(("CnEVPost", "Reuters", "36Kr")):
            a = article(s, f"https://x.example/{i}", publisher, "2026-11-02", when, story_id=7)
            development(
                s, a, "xpeng", f"Xpeng unveiled the new G7 SUV ({publisher} wording {i}).", when, "products"
            )
        loose1 = article(s, "https://y.example/1", "Gasgoo", "2026-11-02", when)
        loose2 = article(s, "https://y.example/2", "CarNewsChina", "2026-11-02", when)
        development(s, loose1, "xpeng", "Xpeng cut the price of the P7+ by 10,000 yuan.", when, "products")
        development(s, loose2, "xpeng", "Xpeng cut the price of the P7+ by 10,000 yuan!", when, "products")
    with store.session() as s:
        digest = compose(s, "console", "xp", XPENG, at("2026-11-02 03:00"))
    bullets = [b for section in digest.reply.sections for b in section.bullets]
    assert len(bullets) == 2
    assert sorted(len(b.citations) for b in bullets) == [2, 3]
    assert "(3 outlets)" in bullets[0].text


def test_correction_opens_the_next_digest(store: Database) -> None:
    with store.transaction() as s:
        a1 = article(s, "https://cnevpost.example/1", "CnEVPost", "2026-11-01", at("2026-11-01 02:00"))
        wrong = fact(s, a1, "xpeng", "employees", quantity(150000, "people"), at("2026-11-01 02:00"))
        wrong_id = wrong.id
    with store.session() as s:
        first = compose(s, "console", "xp", XPENG, at("2026-11-01 03:00"))
    assert any(c["claim_id"] == wrong_id for c in first.carried)
    record_sent(store, "xp", "2026-11-01", at("2026-11-01 03:00"), first.carried)
    override(
        store,
        wrong_id,
        quantity(15000, "people"),
        "slack:T1:U_ADMIN",
        "typo in the source: one zero too many",
        at("2026-11-01 12:00"),
    )
    with store.transaction() as s:
        a2 = article(s, "https://36kr.example/2", "36Kr", "2026-11-02", at("2026-11-02 02:00"))
        development(s, a2, "xpeng", "Xpeng opened a research centre in Munich.", at("2026-11-02 02:00"), "rd")
    with store.session() as s:
        second = compose(s, "console", "xp", XPENG, at("2026-11-02 03:00"))
    first_section = second.reply.sections[0]
    assert first_section.title == "Corrections"
    line = first_section.bullets[0].text
    assert (
        "150,000" in line and "15,000" in line and "slack:T1:U_ADMIN" in line and "one zero too many" in line
    )
    assert second.reply.citations[first_section.bullets[0].citations[0] - 1].admin == "slack:T1:U_ADMIN"
    # the corrected slot is not repeated as an ordinary change
    assert sum("Employees" in b.text for s in second.reply.sections for b in s.bullets) == 1
    # a channel that never carried the wrong value gets no correction
    with store.session() as s:
        other = compose(s, "console", "other", XPENG, at("2026-11-02 03:00"))
    assert all(section.title != "Corrections" for section in other.reply.sections)


def test_bounded_with_a_full_version(store: Database) -> None:
    when = at("2026-11-02 02:00")
    with store.transaction() as s:
        for i in range(15):
            a = article(s, f"https://x.example/{i}", f"Outlet {i}", "2026-11-02", when)
            development(
                s, a, "xpeng", f"Xpeng story number {i} about {'abcdefghijklmnopqrstuvwxyz'[i] * 12}.", when
            )
    with store.session() as s:
        short = compose(s, "console", "xp", XPENG, at("2026-11-02 03:00"))
        full = compose(s, "console", "xp", XPENG, at("2026-11-02 03:00"), full=True)
    assert short.shown == MAX_BULLETS and short.total == 15
    assert short.reply.footer is not None and "5 more — /ev digest full" in short.reply.footer
    assert full.shown == 15 and full.reply.footer is None


def test_quiet_day_and_deliveries_block(store: Database) -> None:
    with store.session() as s:
        quiet = compose(s, "console", "xp", XPENG, at("2026-11-02 03:00"))
    assert quiet.quiet and "No new or changed facts" in to_text(quiet.reply)
    with store.transaction() as s:
        a = article(s, "https://cnevpost.example/9", "CnEVPost", "2026-11-01", at("2026-11-01 02:00"))
        fact(s, a, "xpeng", "price_from", quantity(200000, "CNY"), at("2026-10-01 02:00"), {"model": "G6"})
        b = article(s, "https://cnevpost.example/10", "CnEVPost", "2026-11-02", at("2026-11-02 02:00"))
        fact(s, b, "xpeng", "price_from", quantity(180000, "CNY"), at("2026-11-02 02:00"), {"model": "G6"})
        fact(s, b, "xpeng", "price_from", quantity(180000, "CNY"), at("2026-11-02 02:00"), {"model": "G6"})
    with store.session() as s:
        digest = compose(s, "console", "xp", XPENG, at("2026-11-02 03:00"))
    section = digest.reply.sections[0]
    assert section.title == "Deliveries and prices"
    assert "Starting price (G6)" in section.bullets[0].text and "→" in section.bullets[0].text
    assert "-20,000" in section.bullets[0].text and "-10.0%" in section.bullets[0].text


def test_an_undone_correction_is_not_announced_and_a_kept_one_is(store: Database) -> None:
    """Retract a fact a channel was shown, then undo: the channel's value stands, so the next
    digest has no correction. Retract it again and keep it: the correction is announced."""
    from datetime import UTC, datetime, timedelta

    from knowledge.curation import retract, undo

    now = datetime.now(UTC)  # the curation functions stamp their audit rows with the real clock
    with store.transaction() as s:
        a1 = article(s, "https://cnevpost.example/1", "CnEVPost", "2026-11-01", now - timedelta(hours=2))
        claim_id = fact(s, a1, "xpeng", "employees", quantity(15000, "people"), now - timedelta(hours=2)).id
    with store.session() as s:
        first = compose(s, "console", "xp", XPENG, now - timedelta(hours=1))
    assert any(c["claim_id"] == claim_id for c in first.carried)
    record_sent(store, "xp", "2026-11-01", now - timedelta(hours=1), first.carried)

    admin = "console:local:admin"
    retract(store, admin, claim_id, "checking the source")
    undo(store, admin)
    with store.session() as s:
        after_undo = compose(s, "console", "xp", XPENG, datetime.now(UTC) + timedelta(minutes=1))
    assert all(section.title != "Corrections" for section in after_undo.reply.sections)

    retract(store, admin, claim_id, "the source withdrew the figure")
    with store.session() as s:
        kept = compose(s, "console", "xp", XPENG, datetime.now(UTC) + timedelta(minutes=1))
    corrections = kept.reply.sections[0]
    assert corrections.title == "Corrections"
    assert "withdrawn" in corrections.bullets[0].text and "the source withdrew" in corrections.bullets[0].text
