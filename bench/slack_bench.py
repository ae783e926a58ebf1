"""Benchmark: signed ``/ev compare xpeng li-auto`` through the running Slack HTTP app, beside a bare bolt app.

    .venv/bin/python -m bench.slack_bench [--requests 10000] [--concurrency 50] [--rounds 10]

Both apps run in this process on loopback, exactly as ``serve()`` runs them (bolt's aiohttp app,
request signing checked, ``auth.test`` answered by a tiny local fake). The "bare" app's ``/ev``
handler only acks a constant; it runs twice, with bolt's defaults (the listener runs beside
the request and bolt polls for its ack) and with ``process_before_response=True`` as evbot uses
(the listener runs inline). Each round's evbot throughput is divided by the faster bare app's in
the same round, and the median of those ratios is the result (the machine's speed drifts
between rounds more than the apps differ). It shows what evbot adds: parsing, the store-version
check, the answer and its Block Kit body (reused while the store is unchanged, as the same
question repeats) and a ~5 KB response instead of a few bytes. The load comes from a separate process (50
concurrent keep-alive connections) so that the client does not steal the servers' event loop.
Rounds alternate between the apps; each app gets ``--requests`` in total. A third app runs the
real adapter over a core that answers every request with a canned compare reply without
looking at the store: it separates the adapter's own cost from the core's. Targets: evbot throughput
≥ 0.8× bare and p99 < 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
TEXT = "compare xpeng li-auto"
TIME_LIMIT = 60.0  # seconds per round, whatever the count


def signed(secret: str, text: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode(
        {
            "team_id": "T0BENCH",
            "channel_id": "C0BENCH",
            "user_id": "U0BENCH",
            "user_name": "bench",
            "command": "/ev",
            "text": text,
            "response_url": "http://127.0.0.1:9/hooks/unused",
            "trigger_id": "1.2.3",
            "api_app_id": "A0BENCH",
        }
    ).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    headers = {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return body, headers


# ---- client process ------------------------------------------------------------------------


async def load(url: str, count: int, concurrency: int, expect: str) -> dict[str, Any]:
    latencies: list[float] = []
    failures = 0
    issued = 0
    deadline = time.monotonic() + TIME_LIMIT
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker() -> None:
            nonlocal issued, failures
            while issued < count and time.monotonic() < deadline:
                issued += 1
                body, headers = signed(SECRET, TEXT)
                started = time.perf_counter()
                async with http.post(url, data=body, headers=headers) as response:
                    text = await response.text()
                latencies.append(time.perf_counter() - started)
                if response.status != 200 or expect not in text:
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"count": len(latencies), "failures": failures, "elapsed": elapsed, "latencies": latencies}


def client_main(url: str, count: int, concurrency: int, expect: str) -> None:
    print(json.dumps(asyncio.run(load(url, count, concurrency, expect))))


# ---- servers (this process) ----------------------------------------------------------------


async def fake_api() -> tuple[web.AppRunner, str]:
    async def auth_test(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "team_id": "T0BENCH", "user_id": "UBOT", "bot_id": "BBOT"})

    app = web.Application()
    app.router.add_post("/api/auth.test", auth_test)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/api/"


async def bare_app(api_url: str, process_before_response: bool) -> web.AppRunner:
    app = AsyncApp(
        signing_secret=SECRET,
        token=TOKEN,
        client=AsyncWebClient(token=TOKEN, base_url=api_url),
        process_before_response=process_before_response,
    )

    @app.command("/ev")
    async def constant(ack: Any) -> None:
        await ack(text="ok", response_type="in_channel")

    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner


async def run_client(url: str, count: int, concurrency: int, expect: str) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.slack_bench",
        "--client",
        url,
        "--requests",
        str(count),
        "--concurrency",
        str(concurrency),
        "--expect",
        expect,
        stdout=subprocess.PIPE,
    )
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"load client failed ({process.returncode})")
    result: dict[str, Any] = json.loads(out)
    return result


def summary(name: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    latencies = sorted(x for r in results for x in r["latencies"])
    count = len(latencies)
    elapsed = sum(r["elapsed"] for r in results)
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive") if count > 1 else [0.0] * 99
    return {
        "name": name,
        "count": count,
        "failures": sum(r["failures"] for r in results),
        "rps": count / elapsed if elapsed else 0.0,
        "p50": quantiles[49] * 1000,
        "p99": quantiles[98] * 1000,
    }


def round_ratios(results: dict[str, list[dict[str, Any]]], bare: list[str], app: str) -> list[float]:
    """Per round: the app's throughput over the faster bare configuration's in that same round."""
    ratios = []
    for number, result in enumerate(results[app]):
        baseline = max(results[name][number]["count"] / results[name][number]["elapsed"] for name in bare)
        ratios.append(result["count"] / result["elapsed"] / baseline)
    return ratios


async def bench(requests: int, concurrency: int, rounds: int) -> int:
    from adapters.slack.runtime import start
    from bot.app import prepare_store
    from bot.context import CommandRequest
    from bot.core import Core
    from bot.settings import Settings
    from knowledge.db import Database

    tmp = Path(tempfile.mkdtemp(prefix="evbot-slack-bench-"))
    api_runner, api_url = await fake_api()
    db = Database(f"sqlite:///{tmp / 'evbot.db'}")
    db.upgrade()
    prepare_store(db, seed=True)
    values: dict[str, Any] = {
        "data_dir": tmp,
        "slack_signing_secret": SECRET,
        "slack_bot_token": TOKEN,
        "slack_host": "127.0.0.1",
        "slack_port": 0,
        "slack_api_url": api_url,
    }
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    core = Core(db, settings)
    evbot = await start(core, settings)
    stub = Core(db, settings)
    canned = core.handle(CommandRequest(text=f"/ev {TEXT}"))
    stub.handle = lambda request: canned  # type: ignore[method-assign]
    stub.cached_answer = lambda request: canned  # type: ignore[method-assign]
    adapter_only = await start(stub, settings)
    bare = await bare_app(api_url, process_before_response=False)
    bare_inline = await bare_app(api_url, process_before_response=True)
    urls = {
        "bare bolt, defaults": (f"http://127.0.0.1:{bare.addresses[0][1]}/slack/events", '"ok"'),
        "bare bolt, inline": (f"http://127.0.0.1:{bare_inline.addresses[0][1]}/slack/events", '"ok"'),
        "evbot, canned reply": (f"http://127.0.0.1:{adapter_only.port}/slack/events", '"table"'),
        "evbot /ev compare": (f"http://127.0.0.1:{evbot.port}/slack/events", '"table"'),
    }
    try:
        for url, expect in urls.values():  # warm up: auth.test, connection pools, SQLite caches
            await run_client(url, 200, concurrency, expect)
        per_round = max(1, requests // rounds)
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in urls}
        for number in range(rounds):
            # Every other round runs the apps in reverse order, so that a drift in the machine's
            # speed during the run does not always favour the same app.
            order = list(urls.items()) if number % 2 == 0 else list(reversed(urls.items()))
            for name, (url, expect) in order:
                results[name].append(await run_client(url, per_round, concurrency, expect))
    finally:
        await evbot.stop()
        await adapter_only.stop()
        await bare.cleanup()
        await bare_inline.cleanup()
        await api_runner.cleanup()
        db.dispose()
    rows = [summary(name, rs) for name, rs in results.items()]
    print(
        f"{concurrency} concurrent connections, {rounds} alternating rounds, {per_round} requests per app per round"
    )
    print(f"{'app':<22} {'requests':>8} {'fail':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for row in rows:
        print(
            f"{row['name']:<22} {row['count']:>8} {row['failures']:>5} {row['rps']:>8.0f} {row['p50']:>8.1f} {row['p99']:>8.1f}"
        )
    names = list(urls)
    ours = rows[-1]
    ratios = round_ratios(results, names[:2], names[-1])
    adapter_ratios = round_ratios(results, names[:2], names[2])
    ratio = statistics.median(ratios)
    ok = ratio >= 0.8 and ours["p99"] < 300 and ours["failures"] == 0
    print("per round, evbot's throughput / the faster bare app's: " + ", ".join(f"{r:.2f}" for r in ratios))
    print(
        f"throughput ratio evbot / bare = {ratio:.2f} (median of rounds; target ≥ 0.80); "
        f"evbot p99 = {ours['p99']:.0f} ms (target < 300)"
    )
    print(
        "adapter alone (canned answer, still signed-checked, rendered body) / bare = "
        f"{statistics.median(adapter_ratios):.2f}"
    )
    print("targets met" if ok else "targets MISSED")
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=10000, help="requests per app (all rounds)")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--expect", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client_main(args.client, args.requests, args.concurrency, args.expect)
        return
    sys.exit(asyncio.run(bench(args.requests, args.concurrency, args.rounds)))


if __name__ == "__main__":
    main()
