"""Exactly-once delivery of one channel's digest for one date, across replicas and crashes.

The ledger row ``digest_delivery(platform, channel, digest_date)`` is unique. A replica:

1. **claims** it: ``INSERT … ON CONFLICT DO NOTHING`` (status ``claimed``, ``claimed_by``, a lease
   ``lease_until``); or, when the row exists, is still ``claimed`` and its lease has run out (the
   holder crashed or gave up for a retry), **takes it over** with a conditional ``UPDATE``;
2. after a takeover, asks the platform ``poster.find_posted(channel, key)`` first, so a crash
   between posting and recording never makes a second post (Discord's nonce and Slack's message
   metadata carry the key ``digest:<platform>:<channel>:<date>``);
3. composes the digest and stores its window and carried facts in the row (still ``claimed``);
4. posts with the idempotency key, renewing the lease while the poster retries rate limits;
5. records ``sent`` with the message id — conditionally on still holding the claim.

A transient failure (``TransientPostError``, anything unexpected) releases the claim with a
back-off (``lease_until`` in the future), so a later tick of any replica retries while the
catch-up window lasts; after it the row becomes ``failed`` (or ``missed``). A channel that is
gone or forbids the bot (``ChannelUnavailable``) is recorded ``failed``, its subscription paused
and an audit row written: reported once, never retried.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.digest.content import Digest, Scope, Snapshot, compose
from bot.digest.timing import Occurrence, as_utc
from bot.posting import ChannelUnavailable, Poster, PostResult, TransientPostError, poster_for_workspace
from bot.reply import Reply
from knowledge.db import Database
from knowledge.schema import DigestDelivery, Subscription
from knowledge.store import audit

log = logging.getLogger("evbot.digest.delivery")

CRASH_ENV = "EVBOT_DIGEST_CRASH_AT"  # test hook: after_claim | after_prepare | after_post (comma-separated)
CRASH_RATE_ENV = "EVBOT_DIGEST_CRASH_RATE"  # probability of dying at a named point (default 1)
SYSTEM_ACTOR = "evbot:digest"

_EXPECTED = (TransientPostError, TimeoutError, ConnectionError)  # logged without a traceback

Outcome = Literal["sent", "skipped", "busy", "retry", "paused", "missed", "failed", "no_poster"]


def fault_point(name: str) -> None:
    """Crash injection for the exactly-once tests: SIGKILL this process at a named step."""
    points = os.environ.get(CRASH_ENV)
    if not points or name not in points.split(","):
        return
    rate = float(os.environ.get(CRASH_RATE_ENV, "1"))
    if random.random() < rate:
        os.kill(os.getpid(), signal.SIGKILL)


def idempotency_key(platform: str, channel: str, digest_date: str) -> str:
    return f"digest:{platform}:{channel}:{digest_date}"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Due:
    """One subscription's digest for one local date, due now."""

    subscription_id: int
    platform: str
    workspace: str
    channel: str
    scope: Scope
    occurrence: Occurrence

    @property
    def digest_date(self) -> str:
        return self.occurrence.digest_date.isoformat()

    @property
    def origin(self) -> str:
        return f"{self.platform}:{self.channel} {self.digest_date}"


@dataclass(frozen=True)
class Claimed:
    row_id: int
    takeover: bool


def insert_for(db: Database) -> Any:
    """The dialect's ``insert`` with ``on_conflict_do_nothing`` (PostgreSQL or SQLite)."""
    return pg_insert if db.dialect == "postgresql" else sqlite_insert


class Ledger:
    """The ``digest_delivery`` rows: claim, take over, prepare, finish, release (all conditional)."""

    def __init__(self, db: Database, replica: str, lease: timedelta) -> None:
        self.db = db
        self.replica = replica
        self.lease = lease

    def claim(self, due: Due, now: datetime) -> Claimed | None:
        now = as_utc(now)
        statement = (
            insert_for(self.db)(DigestDelivery)
            .values(platform=due.platform, channel=due.channel, digest_date=due.digest_date, status="claimed",
                    claimed_by=self.replica, lease_until=now + self.lease, attempts=1)
            .on_conflict_do_nothing(index_elements=["platform", "channel", "digest_date"])
            .returning(DigestDelivery.id)
        )  # fmt: skip
        with self.db.transaction() as session:
            row_id = session.execute(statement).scalar()
        if row_id is not None:
            return Claimed(int(row_id), takeover=False)
        with self.db.transaction() as session:
            taken = session.execute(
                update(DigestDelivery)
                .where(DigestDelivery.platform == due.platform, DigestDelivery.channel == due.channel,
                       DigestDelivery.digest_date == due.digest_date, DigestDelivery.status == "claimed",
                       DigestDelivery.lease_until < now)
                .values(claimed_by=self.replica, lease_until=now + self.lease, attempts=DigestDelivery.attempts + 1)
                .returning(DigestDelivery.id)
            ).scalar()  # fmt: skip
        return Claimed(int(taken), takeover=True) if taken is not None else None

    def _mine(self, row_id: int) -> Any:
        return (DigestDelivery.id == row_id, DigestDelivery.claimed_by == self.replica,
                DigestDelivery.status == "claimed")  # fmt: skip

    def _update(self, row_id: int, **values: Any) -> bool:
        with self.db.transaction() as session:
            result = session.execute(update(DigestDelivery).where(*self._mine(row_id)).values(**values))
            return bool(getattr(result, "rowcount", 0))

    def renew(self, row_id: int, now: datetime) -> bool:
        return self._update(row_id, lease_until=as_utc(now) + self.lease)

    def prepare(self, row_id: int, digest: Digest, now: datetime) -> bool:
        return self._update(row_id, window_start=digest.window.start, window_end=digest.window.end,
                            carried=digest.carried, lease_until=as_utc(now) + self.lease)  # fmt: skip

    def finish(
        self,
        row_id: int,
        status: str,
        now: datetime,
        *,
        message_id: str | None = None,
        error: str | None = None,
        digest: Digest | None = None,
    ) -> bool:
        values: dict[str, Any] = {"status": status, "lease_until": None, "error": error}
        if status == "sent":
            values.update(message_id=message_id, sent_at=as_utc(now))
        if digest is not None:
            values.update(
                window_start=digest.window.start, window_end=digest.window.end, carried=digest.carried
            )
        elif status == "sent":
            with self.db.session() as session:
                prepared = session.get(DigestDelivery, row_id)
                if prepared is not None and prepared.window_end is None:
                    values.update(window_end=as_utc(now), carried=[])
        return self._update(row_id, **values)

    def release(self, row_id: int, not_before: datetime, error: str) -> bool:
        """Give the claim up for a retry by any replica once ``not_before`` has passed."""
        return self._update(row_id, lease_until=as_utc(not_before), error=error[:2000])

    def attempts(self, row_id: int) -> int:
        with self.db.session() as session:
            return int(
                session.scalar(select(DigestDelivery.attempts).where(DigestDelivery.id == row_id)) or 1
            )

    def record_missed(self, due: Due, reason: str) -> bool:
        statement = (
            insert_for(self.db)(DigestDelivery)
            .values(platform=due.platform, channel=due.channel, digest_date=due.digest_date, status="missed",
                    attempts=0, error=reason)
            .on_conflict_do_nothing(index_elements=["platform", "channel", "digest_date"])
            .returning(DigestDelivery.id)
        )  # fmt: skip
        with self.db.transaction() as session:
            return session.execute(statement).scalar() is not None

    def pause(self, row_id: int, due: Due, reason: str) -> None:
        """Record the failure, pause the subscription and audit it, in one transaction."""
        with self.db.transaction() as session:
            session.execute(
                update(DigestDelivery).where(*self._mine(row_id))
                .values(status="failed", lease_until=None, error=reason[:2000])
            )  # fmt: skip
            session.execute(
                update(Subscription).where(Subscription.id == due.subscription_id)
                .values(paused=True, paused_reason=reason[:2000])
            )  # fmt: skip
            audit(session, SYSTEM_ACTOR, "pause", "subscription", f"{due.platform}:{due.channel}",
                  after={"paused": True, "digest_date": due.digest_date}, reason=reason[:2000])  # fmt: skip


class Deliverer:
    """Delivers one due digest through the platform's poster, exactly once (see the module notes)."""

    def __init__(self, db: Database, posters: Mapping[str, Poster], *, replica: str,
                 lease: timedelta = timedelta(minutes=2), retry_base: timedelta = timedelta(seconds=30),
                 retry_cap: timedelta = timedelta(minutes=15),
                 clock: Callable[[], datetime] = utcnow) -> None:  # fmt: skip
        self.db = db
        self.posters = posters
        self.replica = replica
        self.lease = lease
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self.clock = clock
        self.ledger = Ledger(db, replica, lease)

    def now(self) -> datetime:
        return as_utc(self.clock())

    async def deliver(self, due: Due, snapshot: Snapshot | None = None) -> Outcome:
        poster = self.posters.get(due.platform)
        if poster is None:
            return "no_poster"
        claimed = await asyncio.to_thread(self.ledger.claim, due, self.now())
        if claimed is None:
            return "busy"
        fault_point("after_claim")
        try:
            poster = await poster_for_workspace(poster, due.workspace)
            return await self._deliver_claimed(poster, due, claimed, snapshot)
        except ChannelUnavailable as exc:
            reason = f"channel unavailable: {exc}"
            log.warning("digest %s: %s; pausing the subscription", due.origin, reason)
            await asyncio.to_thread(self.ledger.pause, claimed.row_id, due, reason)
            return "paused"
        except Exception as exc:
            attempts = await asyncio.to_thread(self.ledger.attempts, claimed.row_id)
            delay = min(self.retry_base * (2 ** max(attempts - 1, 0)), self.retry_cap)
            log.warning(
                "digest %s: attempt %d failed (%s: %s); retry in %s",
                due.origin,
                attempts,
                type(exc).__name__,
                exc,
                delay,
                exc_info=not isinstance(exc, _EXPECTED),
            )
            await asyncio.to_thread(self.ledger.release, claimed.row_id, self.now() + delay,
                                    f"{type(exc).__name__}: {exc}")  # fmt: skip
            return "retry"

    async def _deliver_claimed(
        self, poster: Poster, due: Due, claimed: Claimed, snapshot: Snapshot | None
    ) -> Outcome:
        key = idempotency_key(due.platform, due.channel, due.digest_date)
        if claimed.takeover:
            existing = await poster.find_posted(due.channel, key)
            if existing is not None:
                log.info(
                    "digest %s: already posted as %s before a takeover; recording it", due.origin, existing
                )
                await asyncio.to_thread(
                    self.ledger.finish, claimed.row_id, "sent", self.now(), message_id=existing
                )
                return "sent"
        now = self.now()
        if now > due.occurrence.deadline:
            row_error = "not delivered within the catch-up window"
            status: Outcome = "failed" if claimed.takeover else "missed"
            await asyncio.to_thread(self.ledger.finish, claimed.row_id, status, now, error=row_error)
            log.warning("digest %s: %s; recorded as %s", due.origin, row_error, status)
            return status
        digest = await asyncio.to_thread(self._compose, due, now, snapshot)
        if digest.quiet and due.scope.quiet_mode == "skip":
            await asyncio.to_thread(self.ledger.finish, claimed.row_id, "skipped", now, digest=digest)
            return "skipped"
        if not await asyncio.to_thread(self.ledger.prepare, claimed.row_id, digest, self.now()):
            log.warning("digest %s: lost the claim before posting", due.origin)
            return "busy"
        fault_point("after_prepare")
        result = await self._post_holding_lease(poster, claimed.row_id, due, digest.reply, key)
        fault_point("after_post")
        if not await asyncio.to_thread(self.ledger.finish, claimed.row_id, "sent", self.now(),
                                       message_id=result.message_id):  # fmt: skip
            log.warning(
                "digest %s: posted as %s but another replica holds the claim now",
                due.origin,
                result.message_id,
            )
        return "sent"

    def _compose(self, due: Due, now: datetime, snapshot: Snapshot | None) -> Digest:
        if snapshot is not None:
            now = min(now, snapshot.until)
        with self.db.session() as session:
            return compose(session, due.platform, due.channel, due.scope, now,
                           digest_date=due.occurrence.digest_date, snapshot=snapshot)  # fmt: skip

    async def _post_holding_lease(
        self, poster: Poster, row_id: int, due: Due, reply: Reply, key: str
    ) -> PostResult:
        keeper = asyncio.create_task(self._keep_lease(row_id, due))
        try:
            return await poster.post(due.channel, reply, key)
        finally:
            keeper.cancel()

    async def _keep_lease(self, row_id: int, due: Due) -> None:
        interval = max(self.lease.total_seconds() / 3, 0.05)
        while True:
            await asyncio.sleep(interval)
            try:
                held = await asyncio.to_thread(self.ledger.renew, row_id, self.now())
            except Exception:
                log.exception("digest %s: could not renew the delivery lease", due.origin)
                continue
            if not held:
                log.warning("digest %s: delivery lease lost while posting", due.origin)
                return
