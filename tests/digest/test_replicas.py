"""Real processes on one PostgreSQL schema: replicas racing, and replicas killed mid-delivery.

Every digest must reach its channel exactly once. The fake chat server (``bench.digest_bench``)
records every message: in Slack mode it has no idempotency at all (the ledger and
``find_posted`` over history must prevent duplicates); in Discord mode it honours the nonce and
the poster cannot look history up.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.digest_bench import FakeChat, add_due_subscriptions
from bot.app import prepare_store
from knowledge.db import Database
from knowledge.schema import DigestDelivery
from tests.support import ROOT, fresh_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[Database]:
    with fresh_database("postgres", tmp_path) as db:
        prepare_store(db, seed=False)  # quiet digests: the test is about delivery, not content
        yield db


async def start_replica(db: Database, api: str, expect: int, platform: str, name: str,
                        crash_at: str | None = None, crash_rate: float = 0.0, seconds: float = 60) -> asyncio.subprocess.Process:  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("EVBOT_DIGEST_CRASH_AT", None)
    if crash_at:
        env["EVBOT_DIGEST_CRASH_AT"] = crash_at
        env["EVBOT_DIGEST_CRASH_RATE"] = str(crash_rate)
    assert db.schema is not None
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.digest.replica_runner", "--schema", db.schema, "--api", api,
        "--expect", str(expect), "--platform", platform, "--name", name, "--seconds", str(seconds),
        cwd=str(ROOT), env=env,
    )  # fmt: skip


def statuses(db: Database) -> dict[str, int]:
    with db.session() as session:
        return dict(
            session.execute(select(DigestDelivery.status, func.count()).group_by(DigestDelivery.status)).all()
        )


async def test_three_replicas_post_fifty_digests_exactly_once(pg: Database) -> None:
    channels = add_due_subscriptions(pg, 50)
    fake = FakeChat(per_channel_interval=0.0)
    api = await fake.start()
    try:
        replicas = [await start_replica(pg, api, 50, "slack", f"r{i}") for i in range(3)]
        codes = await asyncio.wait_for(asyncio.gather(*(p.wait() for p in replicas)), timeout=90)
    finally:
        await fake.stop()
    assert codes == [0, 0, 0]
    assert len(fake.posts) == 50 and fake.duplicates() == 0
    assert set(fake.by_channel()) == set(channels)
    assert statuses(pg) == {"sent": 50}


# Each wave starts two replicas at once; each dies (SIGKILL) at its step, leaving claims whose leases
# must expire, posts that were never recorded, and half-prepared rows for the next wave.
WAVES = [
    [("after_claim", 1.0), ("after_post", 1.0)],
    [("after_prepare", 1.0), ("after_claim,after_prepare,after_post", 0.3)],
    [("after_post", 1.0), ("after_claim,after_prepare,after_post", 0.3)],
]


@pytest.mark.parametrize("platform", ["slack", "discord"])
async def test_replicas_killed_at_each_step_still_post_each_digest_once(pg: Database, platform: str) -> None:
    count = 12
    channels = add_due_subscriptions(pg, count, platform=platform)
    fake = FakeChat(per_channel_interval=0.0, nonce=platform == "discord")
    api = await fake.start()
    killed = 0
    try:
        for wave_no, wave in enumerate(WAVES):
            replicas = [
                await start_replica(pg, api, count, platform, f"crashy{wave_no}-{i}", crash_at=points,
                                    crash_rate=rate, seconds=20)
                for i, (points, rate) in enumerate(wave)
            ]  # fmt: skip
            codes = await asyncio.wait_for(asyncio.gather(*(p.wait() for p in replicas)), timeout=60)
            killed += sum(1 for code in codes if code == -signal.SIGKILL)
        final = await start_replica(pg, api, count, platform, "survivor", seconds=30)
        assert await asyncio.wait_for(final.wait(), timeout=60) == 0
    finally:
        await fake.stop()
    assert killed >= 3, "the crash injection did not fire"
    assert statuses(pg) == {"sent": count}
    assert fake.by_channel() == {channel: 1 for channel in channels}, fake.by_channel()
    assert fake.duplicates() == 0
