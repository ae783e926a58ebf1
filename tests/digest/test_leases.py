"""The DB lease for one-replica-at-a-time work (the Discord gateway): acquire, renew, expire, release."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.leases import DbLease, hold_leadership
from knowledge.db import Database
from tests.digest.helpers import at


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def test_one_holder_until_expiry_then_another(db: Database) -> None:
    clock = Clock(at("2026-05-02 09:00"))
    a = DbLease(db, "discord-gateway", "replica-a", ttl=2, clock=clock)
    b = DbLease(db, "discord-gateway", "replica-b", ttl=2, clock=clock)
    assert a.try_acquire() and not b.try_acquire()
    assert a.held() and not b.held()
    clock.now += timedelta(seconds=1)
    assert a.renew() and not b.try_acquire()  # renewed: good until 09:00:03
    clock.now += timedelta(seconds=1.5)
    assert not b.try_acquire()
    clock.now += timedelta(seconds=1)  # a stopped renewing (crashed): b takes over
    assert b.try_acquire() and not a.renew() and not a.held()
    assert not a.release() and b.release()
    assert a.try_acquire()
    other = DbLease(db, "another-lease", "replica-b", ttl=2, clock=clock)
    assert other.try_acquire()  # names are independent


async def test_hold_leadership_waits_renews_and_releases(db: Database) -> None:
    order: list[str] = []

    async def replica(name: str) -> None:
        async with hold_leadership(db, "gateway", name, ttl=0.6, poll=0.05) as lease:
            order.append(f"{name} in")
            await asyncio.sleep(1.0)  # longer than the TTL: renewals keep it
            assert lease.held() and not lease.lost.is_set()
            order.append(f"{name} out")

    first = asyncio.create_task(replica("a"))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(replica("b"))
    await asyncio.gather(first, second)
    assert order == ["a in", "a out", "b in", "b out"]


async def test_a_lost_lease_is_signalled(db: Database) -> None:
    async with hold_leadership(db, "gateway", "a", ttl=0.3, poll=0.05) as lease:
        thief = DbLease(db, "gateway", "b", ttl=30)
        await asyncio.sleep(0.35)  # let it lapse on paper, then steal it the way an expired lease is taken
        with db.transaction() as session:
            from knowledge.schema import Lease

            row = session.get(Lease, "gateway")
            assert row is not None
            row.holder, row.expires_at = "b", at("2099-01-01 00:00")
        await asyncio.wait_for(lease.lost.wait(), timeout=2)
        assert thief.held()
