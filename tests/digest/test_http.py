"""Through HTTP: a Slack-like fake answering 429 (Retry-After) or 5xx first, then 200 — one post each."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bench.digest_bench import FakeChat, HttpPoster
from bot.app import prepare_store
from bot.digest.scheduler import DigestScheduler
from knowledge.db import Database
from knowledge.schema import DigestDelivery, Subscription
from tests.digest.helpers import at, subscribe


async def test_429_then_200_and_500_then_200_are_one_post_each(sqlite_db: Database) -> None:
    prepare_store(sqlite_db, seed=False)
    for channel in ("C1", "C2", "GONE"):
        subscribe(sqlite_db, channel, platform="slack", created=at("2026-05-02 00:00"))
    fake = FakeChat(per_channel_interval=0.0, scripted={"C1": [429], "C2": [500, 503]}, gone={"GONE"})
    poster = HttpPoster(await fake.start(), max_wait=0.05)
    try:
        scheduler = DigestScheduler(sqlite_db, {"slack": poster}, replica="r1", clock=lambda: at("2026-05-02 09:00"),
                                    lease=timedelta(seconds=5))  # fmt: skip
        outcomes = await scheduler.tick_once()
    finally:
        await poster.close()
        await fake.stop()
    assert outcomes == {"sent": 2, "paused": 1}
    assert fake.by_channel() == {"C1": 1, "C2": 1} and fake.rate_limited == 1
    with sqlite_db.session() as session:
        sent = {r.channel: r.status for r in session.scalars(select(DigestDelivery))}
        paused = session.scalars(select(Subscription).where(Subscription.channel == "GONE")).one()
    assert sent == {"C1": "sent", "C2": "sent", "GONE": "failed"} and paused.paused
