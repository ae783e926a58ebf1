"""End to end as ``evbot run`` starts it: ``serve(core, settings)`` with credentials from settings."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from pathlib import Path

import aiohttp

from adapters.cli.run_cmds import PLATFORMS
from adapters.slack.runtime import serve
from bot.core import Core
from tests.slack.fakes import BOT_TOKEN, SECRET, FakeSlack, sign, slash_body
from tests.support import make_settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_up(http: aiohttp.ClientSession, base: str, task: asyncio.Task[None]) -> None:
    for _ in range(200):
        assert not task.done(), task
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"{base}/healthz") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.05)
    raise AssertionError("the Slack adapter did not start")


async def test_serve_answers_signed_compare_and_rejects_forgery(
    core: Core, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    port = free_port()
    settings = make_settings(
        tmp_path,
        slack_signing_secret=SECRET,
        slack_bot_token=BOT_TOKEN,
        slack_host="127.0.0.1",
        slack_port=port,
        slack_api_url=fake_slack.api_url,
    )
    module, enabled = PLATFORMS["slack"]
    assert module == "adapters.slack.runtime" and enabled(settings)
    task = asyncio.create_task(serve(core, settings))
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await wait_up(http, base, task)
            body = slash_body("compare xpeng li-auto", fake_slack.hook_url())
            async with http.post(f"{base}/slack/events", data=body, headers=sign(SECRET, body)) as response:
                assert response.status == 200
                payload = await response.json()
            assert [b for b in payload["blocks"] if b["type"] == "table"]
            sources = [e["text"] for b in payload["blocks"] if b["type"] == "context" for e in b["elements"]]
            assert "*Sources*" in sources and any(s.startswith("<https://") for s in sources)
            assert fake_slack.calls["auth.test"][0]["_auth"] == f"Bearer {BOT_TOKEN}"

            async with http.post(f"{base}/slack/events", data=body, headers=sign("forged", body)) as response:
                assert response.status == 401
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    # Cancelled means stopped: the port is free again.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))
