"""Scheduling and the delivery ledger in one process: catch-up, quiet days, retries, takeovers, pauses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import prepare_store
from bot.digest.delivery import Due, Ledger, idempotency_key
from bot.digest.scheduler import DigestScheduler
from bot.posting import ChannelUnavailable, MemoryPoster, PostResult, TransientPostError
from bot.reply import Reply
from knowledge.db import Database
from knowledge.schema import Audit, DigestDelivery, Subscription
from tests.digest.helpers import article, at, development
from tests.digest.helpers import subscribe as _subscribe

DAY_START = at("2026-05-02 00:00")


def subscribe(db: Database, channel: str, **options: object) -> int:
    """A subscription made at the start of the test day (so yesterday's occurrences do not count)."""
    options.setdefault("created", DAY_START)
    return _subscribe(db, channel, **options)  # type: ignore[arg-type]


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class FlakyPoster(MemoryPoster):
    """Fails the first ``failures`` posts with the given exception, then behaves."""

    failures: list[Exception] = field(default_factory=list)
    calls: int = 0

    async def post(self, channel: str, reply: Reply, idempotency_key: str) -> PostResult:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return await super().post(channel, reply, idempotency_key)


def rows(db: Database) -> dict[str, DigestDelivery]:
    with db.session() as session:
        return {f"{r.channel}:{r.digest_date}": r for r in session.scalars(select(DigestDelivery))}


def scheduler(db: Database, poster: MemoryPoster, clock: Clock, replica: str = "r1") -> DigestScheduler:
    return DigestScheduler(db, {poster.platform: poster}, replica=replica, clock=clock, tick=0.05,
                           lease=timedelta(seconds=60), retry_base=timedelta(seconds=30))  # fmt: skip


@pytest.fixture
def store(db: Database) -> Database:
    prepare_store(db, seed=False)
    with db.transaction() as s:
        a = article(s, "https://cnevpost.example/1", "CnEVPost", "2026-05-02", at("2026-05-02 06:00"))
        development(s, a, "xpeng", "Xpeng delivered 30,000 vehicles in April.", at("2026-05-02 06:00"))
    return db


async def test_due_digests_post_once_and_catch_up_inside_the_window(store: Database) -> None:
    subscribe(store, "morning", at_time="09:00")  # due 09:00 UTC
    subscribe(store, "shanghai", at_time="17:00", tz="Asia/Shanghai")  # 09:00 UTC too
    subscribe(store, "later", at_time="12:00")
    poster = MemoryPoster()
    clock = Clock(at("2026-05-02 14:30"))  # the bot was down from before 09:00: 5.5 h late, inside 6 h
    outcomes = await scheduler(store, poster, clock).tick_once()
    assert outcomes["sent"] == 3
    assert sorted(channel for channel, _, _ in poster.sent) == ["later", "morning", "shanghai"]
    assert {key for _, key, _ in poster.sent} >= {idempotency_key("console", "morning", "2026-05-02")}
    again = await scheduler(store, poster, clock, "r2").tick_once()
    assert again["sent"] == 0 and len(poster.sent) == 3
    recorded = rows(store)["morning:2026-05-02"]
    assert recorded.status == "sent" and recorded.message_id and recorded.window_end is not None


async def test_missed_outside_the_catch_up_window(store: Database) -> None:
    subscribe(store, "early", at_time="07:00", created=at("2020-01-01 00:00"))
    subscribe(store, "noon", at_time="12:00", created=at("2020-01-01 00:00"))
    poster = MemoryPoster()
    outcomes = await scheduler(store, poster, Clock(at("2026-05-02 13:30"))).tick_once()
    assert outcomes["missed"] == 3 and outcomes["sent"] == 1  # today's 07:00 and both of yesterday's
    assert [c for c, _, _ in poster.sent] == ["noon"]
    assert rows(store)["early:2026-05-02"].status == "missed"
    assert rows(store)["noon:2026-05-01"].status == "missed"


async def test_quiet_day_posts_a_line_or_is_skipped(store: Database) -> None:
    subscribe(store, "talk", at_time="09:00", companies=["li-auto"], quiet="post")
    subscribe(store, "hush", at_time="09:00", companies=["li-auto"], quiet="skip")
    poster = MemoryPoster()
    outcomes = await scheduler(store, poster, Clock(at("2026-05-02 09:01"))).tick_once()
    assert outcomes == {"sent": 1, "skipped": 1}
    [(channel, _, reply)] = poster.sent
    assert channel == "talk" and "No new or changed facts" in reply.fallback_text()
    assert rows(store)["hush:2026-05-02"].status == "skipped"


async def test_rate_limited_then_fine_is_one_post(store: Database) -> None:
    subscribe(store, "busy", at_time="09:00")
    poster = FlakyPoster(failures=[TransientPostError("429 after the poster's own retries")])
    clock = Clock(at("2026-05-02 09:00"))
    first = await scheduler(store, poster, clock).tick_once()
    assert first["retry"] == 1 and poster.sent == []
    assert "429" in (rows(store)["busy:2026-05-02"].error or "")
    clock.advance(seconds=10)  # inside the back-off: nobody retries yet
    assert (await scheduler(store, poster, clock, "r2").tick_once())["sent"] == 0
    clock.advance(seconds=30)
    second = await scheduler(store, poster, clock, "r2").tick_once()
    assert second["sent"] == 1 and len(poster.sent) == 1 and poster.calls == 2
    row = rows(store)["busy:2026-05-02"]
    assert row.status == "sent" and row.attempts == 2 and row.claimed_by == "r2"


async def test_crash_after_posting_is_recovered_without_a_second_post(store: Database) -> None:
    sub_id = subscribe(store, "c1", at_time="09:00")
    poster = MemoryPoster()
    clock = Clock(at("2026-05-02 09:00"))
    sched = scheduler(store, poster, clock, "dead")
    [due] = sched.plan(clock()).due
    assert due.subscription_id == sub_id
    # the dead replica claimed, posted, and died before recording
    ledger = Ledger(store, "dead", timedelta(seconds=60))
    claimed = ledger.claim(due, clock())
    assert claimed is not None and not claimed.takeover
    await poster.post("c1", Reply(title="digest"), idempotency_key("console", "c1", due.digest_date))
    # while its lease holds nobody takes over; after it, a takeover finds the post and records it
    assert (await scheduler(store, poster, clock, "r2").tick_once())["sent"] == 0
    clock.advance(seconds=61)
    assert (await scheduler(store, poster, clock, "r2").tick_once())["sent"] == 1
    assert len(poster.sent) == 1
    row = rows(store)["c1:2026-05-02"]
    assert row.status == "sent" and row.message_id == "console-1" and row.claimed_by == "r2"


async def test_crash_after_claiming_is_taken_over_and_posted(store: Database) -> None:
    subscribe(store, "c2", at_time="09:00")
    poster = MemoryPoster()
    clock = Clock(at("2026-05-02 09:00"))
    [due] = scheduler(store, poster, clock).plan(clock()).due
    assert Ledger(store, "dead", timedelta(seconds=60)).claim(due, clock()) is not None
    assert Ledger(store, "other", timedelta(seconds=60)).claim(due, clock()) is None  # unique row: one winner
    clock.advance(seconds=61)
    assert (await scheduler(store, poster, clock, "r2").tick_once())["sent"] == 1
    assert len(poster.sent) == 1


async def test_takeover_after_the_catch_up_window_records_failure(store: Database) -> None:
    subscribe(store, "c3", at_time="09:00", catchup_hours=1)
    poster = MemoryPoster()
    clock = Clock(at("2026-05-02 09:00"))
    [due] = scheduler(store, poster, clock).plan(clock()).due
    Ledger(store, "dead", timedelta(seconds=60)).claim(due, clock())
    clock.advance(hours=2)
    assert (await scheduler(store, poster, clock, "r2").tick_once())["failed"] == 1
    assert poster.sent == [] and rows(store)["c3:2026-05-02"].status == "failed"


async def test_unavailable_channel_is_paused_and_reported_once(store: Database) -> None:
    subscribe(store, "gone", at_time="09:00")
    poster = FlakyPoster(failures=[ChannelUnavailable("channel_not_found")])
    clock = Clock(at("2026-05-02 09:00"))
    assert (await scheduler(store, poster, clock).tick_once())["paused"] == 1
    clock.advance(days=1)
    assert sum((await scheduler(store, poster, clock).tick_once()).values()) == 0
    assert poster.calls == 1
    with store.session() as session:
        sub = session.scalars(select(Subscription).where(Subscription.channel == "gone")).one()
        assert sub.paused and "channel_not_found" in (sub.paused_reason or "")
        audits = list(session.scalars(select(Audit).where(Audit.action == "pause")))
    assert len(audits) == 1 and audits[0].target_id == "console:gone"
    assert rows(store)["gone:2026-05-02"].status == "failed"


async def test_a_new_subscription_waits_for_its_next_time(store: Database) -> None:
    subscribe(store, "fresh", at_time="09:00", created=at("2026-05-02 10:00"))
    poster = MemoryPoster()
    assert sum((await scheduler(store, poster, Clock(at("2026-05-02 10:05"))).tick_once()).values()) == 0
    assert (await scheduler(store, poster, Clock(at("2026-05-03 09:00"))).tick_once())["sent"] == 1


def test_due_carries_its_origin() -> None:
    from bot.digest.content import Scope
    from bot.digest.timing import Occurrence

    when = at("2026-05-02 09:00")
    due = Due(1, "slack", "T1", "C1", Scope(), Occurrence(when.date(), when, when))
    assert due.origin == "slack:C1 2026-05-02"
