"""Named leases in the database: one replica at a time holds e.g. the Discord gateway.

A lease row ``(name, holder, expires_at)`` is taken with one conditional upsert: insert it, or
update it when this holder already has it or when it has expired. Whoever's statement changed
the row holds the lease until ``expires_at``; the holder renews well before then. A holder that
dies simply stops renewing, and another replica takes over one TTL later.

Usage (e.g. the Discord runtime, before connecting)::

    async with hold_leadership(db, "discord-gateway", replica, ttl=30) as lease:
        connect()
        await lease.lost.wait()   # set if a renewal fails: disconnect at once
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from knowledge.db import Database
from knowledge.schema import Lease

log = logging.getLogger("evbot.leases")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class DbLease:
    """Acquire, renew and release one named lease for one holder."""

    def __init__(self, db: Database, name: str, holder: str, ttl: float,
                 clock: Callable[[], datetime] = _utcnow) -> None:  # fmt: skip
        if ttl <= 0:
            raise ValueError("a lease needs a positive TTL")
        self.db = db
        self.name = name
        self.holder = holder
        self.ttl = ttl
        self.clock = clock
        self.lost = asyncio.Event()

    def try_acquire(self) -> bool:
        """Take or renew the lease; True when this holder has it until now + TTL."""
        now = _utc(self.clock())
        expires = now + timedelta(seconds=self.ttl)
        insert = pg_insert if self.db.dialect == "postgresql" else sqlite_insert
        statement = (
            insert(Lease)
            .values(name=self.name, holder=self.holder, expires_at=expires)
            .on_conflict_do_update(
                index_elements=["name"],
                set_={"holder": self.holder, "expires_at": expires},
                where=or_(Lease.holder == self.holder, Lease.expires_at < now),
            )
            .returning(Lease.holder)
        )
        with self.db.transaction() as session:
            return session.execute(statement).scalar() == self.holder

    renew = try_acquire

    def release(self) -> bool:
        """Give the lease up at once (only if this holder has it)."""
        with self.db.transaction() as session:
            result = session.execute(
                delete(Lease).where(Lease.name == self.name, Lease.holder == self.holder)
            )
            return bool(getattr(result, "rowcount", 0))

    def current(self) -> tuple[str, datetime] | None:
        """The holder and expiry now stored, expired or not."""
        with self.db.session() as session:
            row = session.execute(
                select(Lease.holder, Lease.expires_at).where(Lease.name == self.name)
            ).first()
        return (row[0], _utc(row[1])) if row else None

    def held(self) -> bool:
        found = self.current()
        return found is not None and found[0] == self.holder and found[1] > _utc(self.clock())

    async def acquire(self, poll: float | None = None) -> None:
        """Wait until this holder has the lease."""
        wait = poll if poll is not None else max(self.ttl / 2, 0.05)
        while not await asyncio.to_thread(self.try_acquire):
            await asyncio.sleep(wait)
        self.lost.clear()

    async def keep(self) -> None:
        """Renew every TTL/3 until cancelled; set ``lost`` and return if the lease cannot be kept."""
        interval = max(self.ttl / 3, 0.02)
        while True:
            await asyncio.sleep(interval)
            try:
                ok = await asyncio.to_thread(self.renew)
            except Exception:
                log.exception("lease %s: renewal failed (holder %s)", self.name, self.holder)
                ok = False
            if not ok:
                log.warning("lease %s: lost by %s", self.name, self.holder)
                self.lost.set()
                return


@asynccontextmanager
async def hold_leadership(db: Database, name: str, holder: str, ttl: float,
                          poll: float | None = None) -> AsyncIterator[DbLease]:  # fmt: skip
    """Wait for the lease, keep renewing it while the block runs, release it on the way out."""
    lease = DbLease(db, name, holder, ttl)
    await lease.acquire(poll)
    log.info("lease %s: held by %s", name, holder)
    keeper = asyncio.create_task(lease.keep(), name=f"lease:{name}")
    try:
        yield lease
    finally:
        keeper.cancel()
        try:
            await asyncio.to_thread(lease.release)
        except Exception:
            log.exception("lease %s: could not release (it expires in %.0fs)", name, ttl)
