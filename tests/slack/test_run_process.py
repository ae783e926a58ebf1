"""The must-show as a user runs it: the real ``evbot run`` process with Slack credentials and the
Web API pointed at a local fake serves a signed ``/ev compare`` and refuses a forged one."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.slack.fakes import BOT_TOKEN, SECRET, FakeSlack, sign, slash_body
from tests.slack.test_e2e import free_port
from tests.support import evbot_env, stop_process

EVBOT = Path(sys.executable).parent / "evbot"


async def test_evbot_run_serves_signed_compare_and_refuses_forgery(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    port = free_port()
    env = evbot_env(
        tmp_path,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        EVBOT_SLACK_HOST="127.0.0.1",
        EVBOT_SLACK_PORT=str(port),
        EVBOT_SLACK_API_URL=fake_slack.api_url,
    )
    process = subprocess.Popen([str(EVBOT), "run"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"{base}/healthz") as response:
                        if response.status == 200:
                            break
                await asyncio.sleep(0.1)
            body = slash_body("compare xpeng li-auto", fake_slack.hook_url())
            async with http.post(f"{base}/slack/events", data=body, headers=sign(SECRET, body)) as response:
                assert response.status == 200
                payload = await response.json()
            tables = [b for b in payload["blocks"] if b["type"] == "table"]
            assert len(tables) == 1
            cells = str(tables[0]["rows"])
            assert "He Xiaopeng" in cells and "Li Xiang" in cells
            links = [e["text"] for b in payload["blocks"] if b["type"] == "context" for e in b["elements"]]
            assert any("<https://kr-asia.com/" in link for link in links)
            async with http.post(f"{base}/slack/events", data=body, headers=sign("forged", body)) as response:
                assert response.status == 401
    finally:
        stop_process(process)
