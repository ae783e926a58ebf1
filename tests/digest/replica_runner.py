"""One digest replica as its own process (the multi-replica and crash tests start several).

    python -m tests.digest.replica_runner --schema S --api URL --expect N [--platform slack|discord]

Runs a ``DigestScheduler`` with short leases against the shared PostgreSQL schema and the fake
chat server until ``N`` deliveries are settled or ``--seconds`` pass. ``EVBOT_DIGEST_CRASH_AT``
makes it SIGKILL itself at a delivery step (see ``bot.digest.delivery.fault_point``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from datetime import timedelta

from sqlalchemy import func, select

from bench.digest_bench import HttpPoster
from bot.digest.scheduler import DigestScheduler
from knowledge.db import Database
from knowledge.schema import DigestDelivery
from tests.support import POSTGRES_URL


class NonceOnlyPoster(HttpPoster):
    """Discord-like: no history lookup; a repeated post is made harmless by the server's nonce."""

    async def find_posted(self, channel: str, idempotency_key: str) -> str | None:
        return None


def settled(db: Database) -> int:
    with db.session() as session:
        return int(
            session.scalar(select(func.count(DigestDelivery.id)).where(DigestDelivery.status != "claimed"))
            or 0
        )


async def run(args: argparse.Namespace) -> int:
    db = Database(POSTGRES_URL, schema=args.schema)
    poster = (NonceOnlyPoster if args.platform == "discord" else HttpPoster)(args.api, platform=args.platform,
                                                                            max_wait=1.0)  # fmt: skip
    scheduler = DigestScheduler(db, {args.platform: poster}, replica=f"{args.name}:{os.getpid()}", tick=0.2,
                                lease=timedelta(seconds=args.lease), retry_base=timedelta(seconds=0.2),
                                concurrency=8)  # fmt: skip
    deadline = time.monotonic() + args.seconds
    try:
        while time.monotonic() < deadline:
            await scheduler.tick_once()
            if await asyncio.to_thread(settled, db) >= args.expect:
                return 0
            await asyncio.sleep(0.2)
        return 3
    finally:
        await poster.close()
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--expect", type=int, required=True)
    parser.add_argument("--platform", default="slack")
    parser.add_argument("--name", default="replica")
    parser.add_argument("--lease", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
