"""Digest delivery benchmark: 1,000 channels due at once, a Slack-like fake server, N replicas.

    .venv/bin/python -m bench.digest_bench [--channels 1000] [--replicas 3] [--postgres URL]

The fake chat server (also used by the tests) runs on loopback. Like Slack, it allows about one
message per second per channel and answers 429 with ``Retry-After`` beyond that, plus (here) a
workspace-wide budget so the limiter is really exercised. It has no idempotency of its own
(``--nonce`` gives it Discord-like nonce handling): a duplicate post would be counted. Every
replica is a ``DigestScheduler`` with its own database engine; they share only the database.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import create_engine, func, select, text

from bot.app import prepare_store
from bot.digest.scheduler import DigestScheduler
from bot.posting import ChannelUnavailable, PostResult, TransientPostError
from bot.reply import Reply
from bot.text import to_text
from knowledge.db import Database
from knowledge.schema import DigestDelivery, Subscription

METADATA_EVENT = "evbot_digest"


@dataclass
class FakeChat:
    """A Slack-like chat API on loopback that records every message and enforces rate limits."""

    per_channel_interval: float = 1.0  # seconds between two messages to one channel
    global_per_second: float = 0.0  # 0: no workspace-wide limit
    nonce: bool = False  # Discord-like: a repeated key returns the first message, posts nothing
    gone: set[str] = field(default_factory=set)  # channels that answer channel_not_found
    scripted: dict[str, list[int]] = field(default_factory=dict)  # channel → statuses to answer first
    posts: list[tuple[str, str, str]] = field(default_factory=list)  # (channel, key, ts)
    rate_limited: int = 0
    history_calls: int = 0
    _last: dict[str, float] = field(default_factory=dict)
    _tokens: float = 0.0
    _refilled: float = field(default_factory=time.monotonic)
    _runner: web.AppRunner | None = None
    url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/chat.postMessage", self._post)
        app.router.add_get("/conversations.history", self._history)
        return app

    async def start(self) -> str:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server: Any = site._server
        assert server is not None and server.sockets
        port = server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._tokens = self.global_per_second
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def duplicates(self) -> int:
        counts = Counter((channel, key) for channel, key, _ in self.posts)
        return sum(n - 1 for n in counts.values() if n > 1)

    def by_channel(self) -> Counter[str]:
        return Counter(channel for channel, _, _ in self.posts)

    def _global_ok(self) -> bool:
        if self.global_per_second <= 0:
            return True
        now = time.monotonic()
        self._tokens = min(
            self.global_per_second, self._tokens + (now - self._refilled) * self.global_per_second
        )
        self._refilled = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False

    async def _post(self, request: web.Request) -> web.Response:
        body = await request.json()
        channel = str(body.get("channel"))
        key = str(((body.get("metadata") or {}).get("event_payload") or {}).get("key", ""))
        if channel in self.gone:
            return web.json_response({"ok": False, "error": "channel_not_found"})
        script = self.scripted.get(channel)
        if script:
            status = script.pop(0)
            headers = {"Retry-After": "1"} if status == 429 else {}
            if status == 429:
                self.rate_limited += 1
            return web.json_response({"ok": False, "error": "scripted"}, status=status, headers=headers)
        if self.nonce and key:
            for posted_channel, posted_key, ts in self.posts:
                if posted_channel == channel and posted_key == key:
                    return web.json_response({"ok": True, "ts": ts, "channel": channel})
        now = time.monotonic()
        if now - self._last.get(channel, -1e9) < self.per_channel_interval or not self._global_ok():
            self.rate_limited += 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
            )
        self._last[channel] = now
        ts = f"{time.time():.6f}-{len(self.posts) + 1}"
        self.posts.append((channel, key, ts))
        return web.json_response({"ok": True, "ts": ts, "channel": channel})

    async def _history(self, request: web.Request) -> web.Response:
        self.history_calls += 1
        channel = request.query.get("channel", "")
        messages = [
            {"ts": ts, "metadata": {"event_type": METADATA_EVENT, "event_payload": {"key": key}}}
            for posted_channel, key, ts in self.posts
            if posted_channel == channel
        ]
        return web.json_response({"ok": True, "messages": messages[::-1]})


class HttpPoster:
    """A ``Poster`` for the fake's Slack-like API: retries 429 (Retry-After) and 5xx, then gives up."""

    def __init__(
        self, base_url: str, platform: str = "slack", retries: int = 6, max_wait: float = 5.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.platform = platform
        self.retries = retries
        self.max_wait = max_wait
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=10), connector=aiohttp.TCPConnector(limit=64)
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def post(self, channel: str, reply: Reply, idempotency_key: str) -> PostResult:
        payload = {
            "channel": channel,
            "text": to_text(reply),
            "metadata": {"event_type": METADATA_EVENT, "event_payload": {"key": idempotency_key}},
        }
        delay = 0.2
        last = "no attempt"
        for _attempt in range(self.retries + 1):
            try:
                async with self.session().post(f"{self.base_url}/chat.postMessage", json=payload) as response:
                    if response.status == 429:
                        wait = float(response.headers.get("Retry-After", "1"))
                        last = "429 rate limited"
                        await asyncio.sleep(min(wait, self.max_wait) + random.uniform(0, 0.5))
                        continue
                    if response.status >= 500:
                        last = f"HTTP {response.status}"
                        await asyncio.sleep(delay + random.uniform(0, delay))
                        delay = min(delay * 2, self.max_wait)
                        continue
                    data: dict[str, Any] = await response.json()
            except (aiohttp.ClientError, TimeoutError) as exc:
                last = f"{type(exc).__name__}: {exc}"
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_wait)
                continue
            if data.get("ok"):
                return PostResult(str(data["ts"]))
            if data.get("error") in (
                "channel_not_found",
                "not_in_channel",
                "is_archived",
                "channel_is_archived",
            ):
                raise ChannelUnavailable(f"{channel}: {data['error']}")
            raise TransientPostError(f"{channel}: {data.get('error')}")
        raise TransientPostError(f"{channel}: gave up after {self.retries + 1} attempts ({last})")

    async def find_posted(self, channel: str, idempotency_key: str) -> str | None:
        try:
            async with self.session().get(
                f"{self.base_url}/conversations.history", params={"channel": channel}
            ) as response:
                if response.status != 200:
                    raise TransientPostError(f"{channel}: history HTTP {response.status}")
                data = await response.json()
        except aiohttp.ClientError as exc:
            raise TransientPostError(f"{channel}: history {exc}") from exc
        for message in data.get("messages", []):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key") == idempotency_key:
                return str(message["ts"])
        return None


def add_due_subscriptions(db: Database, count: int, platform: str = "slack", prefix: str = "C") -> list[str]:
    """``count`` channels subscribed at a local time that fell a minute ago (spread over zones)."""
    now = datetime.now(UTC)
    zones = ["UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin"]
    channels = []
    with db.transaction() as session:
        for i in range(count):
            tz = zones[i % len(zones)]
            from zoneinfo import ZoneInfo

            local = (now - timedelta(minutes=1)).astimezone(ZoneInfo(tz))
            channel = f"{prefix}{i:05d}"
            channels.append(channel)
            session.add(
                Subscription(platform=platform, workspace="T1", channel=channel, companies=[], topics=[],
                             at_time=local.strftime("%H:%M"), tz=tz, quiet_mode="post", catchup_hours=6.0,
                             paused=False, created_by="bench", created_at=now - timedelta(minutes=10))
            )  # fmt: skip
    return channels


def sent_count(db: Database) -> int:
    with db.session() as session:
        return int(
            session.scalar(select(func.count(DigestDelivery.id)).where(DigestDelivery.status == "sent")) or 0
        )


async def run_bench(
    channels: int, replicas: int, url: str | None, nonce: bool, global_rate: float
) -> dict[str, Any]:
    schema = None
    admin = None
    if url:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        db_url = url
    else:
        directory = os.path.join(os.getcwd(), "data")
        os.makedirs(directory, exist_ok=True)
        db_url = f"sqlite:///{directory}/digest_bench_{uuid.uuid4().hex[:8]}.db"
    setup = Database(db_url, schema=schema)
    setup.upgrade()
    prepare_store(setup, seed=True)
    add_due_subscriptions(setup, channels)
    fake = FakeChat(global_per_second=global_rate, nonce=nonce)
    base = await fake.start()
    schedulers = []
    posters = []
    for i in range(replicas):
        poster = HttpPoster(base)
        posters.append(poster)
        schedulers.append(
            DigestScheduler(Database(db_url, schema=schema), {"slack": poster}, replica=f"bench-{i}", tick=1.0,
                            lease=timedelta(seconds=20), retry_base=timedelta(seconds=2), concurrency=64)
        )  # fmt: skip
    stop = asyncio.Event()
    started = time.perf_counter()
    tasks = [asyncio.create_task(s.run(stop)) for s in schedulers]
    deadline = started + 180
    done_at = None
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.25)
        if len(fake.posts) >= channels and await asyncio.to_thread(sent_count, setup) >= channels:
            done_at = time.perf_counter()
            break
    stop.set()
    await asyncio.gather(*tasks)
    elapsed = (done_at or time.perf_counter()) - started
    per_replica: dict[str, int] = defaultdict(int)
    with setup.session() as session:
        for claimed_by, n in session.execute(
            select(DigestDelivery.claimed_by, func.count()).where(DigestDelivery.status == "sent")
            .group_by(DigestDelivery.claimed_by)
        ):  # fmt: skip
            per_replica[str(claimed_by)] = int(n)
    result = {
        "database": "postgresql" if url else "sqlite",
        "channels": channels,
        "replicas": replicas,
        "posted": len(fake.posts),
        "recorded_sent": sent_count(setup),
        "duplicates": fake.duplicates(),
        "rate_limited_429": fake.rate_limited,
        "seconds": round(elapsed, 1),
        "posts_per_second": round(len(fake.posts) / elapsed, 1) if elapsed else 0.0,
        "per_replica": dict(sorted(per_replica.items())),
        "all_within_2_min": done_at is not None and elapsed <= 120,
    }
    for poster in posters:
        await poster.close()
    for scheduler in schedulers:
        scheduler.db.dispose()
    await fake.stop()
    setup.dispose()
    if admin is not None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    elif db_url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            path = db_url.removeprefix("sqlite:///") + suffix
            if os.path.exists(path):
                os.remove(path)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get("EVBOT_BENCH_POSTGRES_URL",
                                                             "postgresql+psycopg://postgres@127.0.0.1:5432/test"))  # fmt: skip
    parser.add_argument("--sqlite", action="store_true", help="Use a SQLite file instead of PostgreSQL.")
    parser.add_argument("--nonce", action="store_true", help="Let the fake deduplicate like Discord's nonce.")
    parser.add_argument("--global-rate", type=float, default=50.0, help="Workspace-wide messages per second.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    url = None if args.sqlite else args.postgres
    if url:
        try:
            engine = create_engine(url, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
        except Exception as exc:
            print(f"PostgreSQL not reachable ({exc.__class__.__name__}); using SQLite", file=sys.stderr)
            url = None
    result = asyncio.run(run_bench(args.channels, args.replicas, url, args.nonce, args.global_rate))
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key.ljust(width)}  {value}")
    ok = result["all_within_2_min"] and result["duplicates"] == 0 and result["posted"] == args.channels
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
