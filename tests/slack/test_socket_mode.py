"""Socket Mode: the real ``AsyncSocketModeHandler`` against a local WebSocket served by the fake."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from bot.commands.registry import REGISTRY
from bot.core import Core
from tests.slack.fakes import APP_TOKEN, BOT_TOKEN, FakeSlack, running, slash_fields
from tests.support import make_settings


def envelope(text: str, response_url: str, envelope_id: str = "env-1") -> dict[str, Any]:
    return {
        "envelope_id": envelope_id,
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": slash_fields(text, response_url),
    }


async def next_ack(fake: FakeSlack, envelope_id: str) -> dict[str, Any]:
    while True:
        message = await asyncio.wait_for(fake.socket_messages.get(), 5)
        if message.get("envelope_id") == envelope_id:
            return message


@pytest.fixture
async def socket_runtime(core: Core, fake_slack: FakeSlack, tmp_path: Path) -> Any:
    settings = make_settings(
        tmp_path, slack_app_token=APP_TOKEN, slack_bot_token=BOT_TOKEN, slack_api_url=fake_slack.api_url
    )
    async with running(core, settings) as started:
        yield started


async def test_slash_command_over_socket_mode_is_acked_with_the_answer(
    socket_runtime: Any, fake_slack: FakeSlack
) -> None:
    assert socket_runtime.runner is None  # no HTTP server without a signing secret
    assert fake_slack.calls["apps.connections.open"][0]["_auth"] == f"Bearer {APP_TOKEN}"
    await fake_slack.push(envelope("compare xpeng li-auto", fake_slack.hook_url()))
    ack = await next_ack(fake_slack, "env-1")
    payload = ack["payload"]
    assert payload["response_type"] == "in_channel"
    assert any(b["type"] == "table" for b in payload["blocks"])
    assert "|[1] KrASIA" in str(payload["blocks"])


async def test_slow_command_over_socket_mode_answers_via_response_url(
    socket_runtime: Any, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(REGISTRY, "compare", dataclasses.replace(REGISTRY["compare"], slow=True))
    await fake_slack.push(envelope("compare xpeng li-auto", fake_slack.hook_url(), "env-2"))
    ack = await next_ack(fake_slack, "env-2")
    assert ack["payload"]["text"] == "Working on it…"
    (answer,) = await fake_slack.wait_hooks(1)
    assert any(b["type"] == "table" for b in answer["blocks"])
