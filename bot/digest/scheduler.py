"""The in-process digest scheduler: wake every minute, deliver what is due, in each channel's zone.

Every replica runs one; they share nothing but the database. A tick:

1. reads the active subscriptions of the platforms this replica can post to;
2. for each, finds yesterday's and today's local occurrences that are already due (see
   ``bot.digest.timing`` for DST), and looks them up in the delivery ledger;
3. an occurrence without a ledger row is delivered if it is still inside the subscription's
   catch-up window (default 6 h: a digest missed while every replica was down is posted on
   start), else recorded ``missed``; a ``claimed`` row whose lease has expired is taken over;
4. delivers the due ones concurrently (bounded), from one knowledge snapshot.

Which replica wins a delivery is decided by the ledger (``bot.digest.delivery``), so any number
of replicas post each digest once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.digest.content import Snapshot, scope_of
from bot.digest.delivery import Deliverer, Due, Ledger, utcnow
from bot.digest.timing import BadSchedule, as_utc, recent_occurrences
from bot.posting import Poster
from knowledge.db import Database
from knowledge.schema import DigestDelivery, Subscription

log = logging.getLogger("evbot.digest.scheduler")


def replica_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Plan:
    due: list[Due]
    missed: list[Due]


class DigestScheduler:
    """Ticks every ``tick`` seconds (aligned to the wall clock); ``tick_once`` is one pass."""

    def __init__(self, db: Database, posters: Mapping[str, Poster], *, replica: str | None = None,
                 clock: Callable[[], datetime] = utcnow, tick: float = 60.0,
                 lease: timedelta = timedelta(minutes=2), retry_base: timedelta = timedelta(seconds=30),
                 concurrency: int = 32) -> None:  # fmt: skip
        self.db = db
        self.posters = dict(posters)
        self.replica = replica or replica_name()
        self.clock = clock
        self.tick = tick
        self.concurrency = concurrency
        self.deliverer = Deliverer(db, self.posters, replica=self.replica, lease=lease, retry_base=retry_base,
                                   clock=clock)  # fmt: skip
        self.ledger: Ledger = self.deliverer.ledger

    def plan(self, now: datetime) -> Plan:
        """What is due at ``now`` and what can only be recorded as missed."""
        now = as_utc(now)
        with self.db.session() as session:
            subscriptions = list(session.scalars(
                select(Subscription).where(Subscription.paused.is_(False),
                                           Subscription.platform.in_(list(self.posters)))
            ))  # fmt: skip
            candidates: list[Due] = []
            for sub in subscriptions:
                try:
                    occurrences = recent_occurrences(now, sub.at_time, sub.tz, timedelta(hours=sub.catchup_hours),
                                                     not_before=sub.created_at)  # fmt: skip
                except (BadSchedule, ValueError) as exc:
                    log.error("subscription %s:%s has an unusable schedule (%s); skipped",
                              sub.platform, sub.channel, exc)  # fmt: skip
                    continue
                scope = scope_of(sub.companies, sub.topics, sub.tz, sub.quiet_mode)
                for occ in occurrences:
                    candidates.append(Due(sub.id, sub.platform, sub.workspace, sub.channel, scope, occ))
            dates = sorted({c.digest_date for c in candidates})
            rows = {}
            if dates:
                for row in session.execute(
                    select(DigestDelivery.platform, DigestDelivery.channel, DigestDelivery.digest_date,
                           DigestDelivery.status, DigestDelivery.lease_until)
                    .where(DigestDelivery.digest_date.in_(dates), DigestDelivery.platform.in_(list(self.posters)))
                ):  # fmt: skip
                    rows[(row.platform, row.channel, row.digest_date)] = (row.status, row.lease_until)
        due: list[Due] = []
        missed: list[Due] = []
        for candidate in candidates:
            found = rows.get((candidate.platform, candidate.channel, candidate.digest_date))
            if found is None:
                (due if now <= candidate.occurrence.deadline else missed).append(candidate)
            elif found[0] == "claimed" and (found[1] is None or as_utc(found[1]) < now):
                due.append(candidate)  # a crashed or backed-off claim: take it over
        return Plan(due, missed)

    async def tick_once(self) -> Counter[str]:
        """One pass; returns how many deliveries ended how (``sent``, ``busy``, ``missed``…)."""
        now = as_utc(self.clock())
        plan = await asyncio.to_thread(self.plan, now)
        outcomes: Counter[str] = Counter()
        for item in plan.missed:
            if await asyncio.to_thread(self.ledger.record_missed, item, "the bot was not running within the "
                                       "catch-up window"):  # fmt: skip
                log.warning("digest %s: missed (due %s, catch-up window over)", item.origin,
                            item.occurrence.scheduled.isoformat())  # fmt: skip
                outcomes["missed"] += 1
        if not plan.due:
            return outcomes
        snapshot = await asyncio.to_thread(self._snapshot, now)
        limit = asyncio.Semaphore(self.concurrency)

        async def one(item: Due) -> str:
            async with limit:
                try:
                    return await self.deliverer.deliver(item, snapshot)
                except Exception:
                    log.exception("digest %s: delivery failed (replica %s)", item.origin, self.replica)
                    return "error"

        for outcome in await asyncio.gather(*(one(item) for item in plan.due)):
            outcomes[outcome] += 1
        return outcomes

    def _snapshot(self, now: datetime) -> Snapshot:
        with self.db.session() as session:
            return Snapshot.load(session, now)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Tick until ``stop`` is set; the first tick runs at once (that is the catch-up on start)."""
        stop = stop or asyncio.Event()
        log.info("digest scheduler %s started for %s", self.replica, ", ".join(sorted(self.posters)))
        while not stop.is_set():
            try:
                outcomes = await self.tick_once()
                if outcomes:
                    log.info("digest tick (%s): %s", self.replica, dict(outcomes))
            except Exception:
                log.exception("digest tick failed (replica %s); next tick in %.0fs", self.replica, self.tick)
            delay = self.tick - (time.time() % self.tick) if self.tick >= 1 else self.tick
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=max(delay, 0.01))
