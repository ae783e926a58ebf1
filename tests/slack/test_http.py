"""The real bolt app over HTTP on loopback, driven with slash commands signed like Slack signs them."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import aiohttp
import pytest

from adapters.slack.runtime import SlackRuntime
from bot.commands.registry import REGISTRY
from tests.slack.fakes import SECRET, TEAM, USER, FakeSlack, action_body, sign, slash_body

DEADLINE = 3.0


def url(runtime: SlackRuntime) -> str:
    return f"http://127.0.0.1:{runtime.port}/slack/events"


async def post(
    http: aiohttp.ClientSession, runtime: SlackRuntime, body: bytes, headers: dict[str, str]
) -> tuple[int, Any, float]:
    started = time.monotonic()
    async with http.post(url(runtime), data=body, headers=headers) as response:
        payload = await response.json(content_type=None) if response.status == 200 else await response.text()
        return response.status, payload, time.monotonic() - started


def record_handled(core: Any, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every request that reaches ``core.handle`` from now on (it still answers them)."""
    handled: list[Any] = []
    original = core.handle
    monkeypatch.setattr(core, "handle", lambda r: (handled.append(r), original(r))[1])
    return handled


def blocks_of(payload: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [b for b in payload.get("blocks", []) if b["type"] == kind]


def context_text(payload: dict[str, Any]) -> str:
    return " ".join(e["text"] for b in blocks_of(payload, "context") for e in b["elements"])


async def test_compare_answers_in_the_ack_with_a_table_and_sources(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack
) -> None:
    body = slash_body("compare xpeng li-auto", fake_slack.hook_url())
    status, payload, elapsed = await post(http, runtime, body, sign(SECRET, body))
    assert status == 200
    assert elapsed < DEADLINE
    assert payload["response_type"] == "in_channel"
    assert payload["text"].startswith("Compare: Xpeng vs Li Auto")
    (table,) = blocks_of(payload, "table")
    header = [cell["text"] for cell in table["rows"][0]]
    assert header[1:] == ["Xpeng", "Li Auto"]
    assert any("[1]" in cell["text"] for row in table["rows"][1:] for cell in row)
    sources = context_text(payload)
    assert "*Sources*" in sources
    assert "<https://kr-asia.com/" in sources and "|[1] KrASIA" in sources
    assert fake_slack.hooks == []  # nothing deferred


@pytest.mark.parametrize(
    "mangle",
    [
        "bad_signature",
        "missing_signature",
        "missing_timestamp",
        "old_timestamp",
        "non_integer_timestamp",
        "float_timestamp",
    ],
)
async def test_forged_or_stale_requests_get_401(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack, mangle: str
) -> None:
    body = slash_body("compare xpeng li-auto", fake_slack.hook_url())
    headers = sign(SECRET, body)
    if mangle == "bad_signature":
        headers = sign("not-the-secret", body)
    elif mangle == "missing_signature":
        del headers["X-Slack-Signature"]
    elif mangle == "missing_timestamp":
        del headers["X-Slack-Request-Timestamp"]
    elif mangle == "old_timestamp":
        headers = sign(SECRET, body, str(int(time.time()) - 301))
    elif mangle == "non_integer_timestamp":
        headers = sign(SECRET, body, "yesterday")
    elif mangle == "float_timestamp":
        headers = sign(SECRET, body, f"{time.time():.3f}")
    status, _, _ = await post(http, runtime, body, headers)
    assert status == 401
    assert fake_slack.hooks == []


async def test_slow_command_is_acked_at_once_and_answered_via_response_url(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(REGISTRY, "compare", dataclasses.replace(REGISTRY["compare"], slow=True))
    body = slash_body("compare xpeng li-auto", fake_slack.hook_url())
    status, payload, elapsed = await post(http, runtime, body, sign(SECRET, body))
    assert status == 200 and elapsed < DEADLINE
    assert payload["response_type"] == "ephemeral"
    assert payload["text"] == "Working on it…"
    (answer,) = await fake_slack.wait_hooks(1)
    assert answer["response_type"] == "in_channel"
    assert blocks_of(answer, "table")
    assert "|[1] KrASIA" in context_text(answer)


async def test_fast_command_overrunning_the_budget_is_deferred(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    handlers = runtime.app.evbot_handlers  # type: ignore[attr-defined]
    monkeypatch.setattr(handlers, "ack_budget", 0.0)
    original = handlers.core.handle

    def slow_handle(request: Any) -> Any:
        time.sleep(0.2)
        return original(request)

    monkeypatch.setattr(handlers.core, "handle", slow_handle)
    body = slash_body("compare xpeng li-auto", fake_slack.hook_url())
    status, payload, _ = await post(http, runtime, body, sign(SECRET, body))
    assert status == 200 and payload["text"] == "Working on it…"
    (answer,) = await fake_slack.wait_hooks(1)
    assert blocks_of(answer, "table")


async def test_private_word_keeps_the_answer_ephemeral(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack
) -> None:
    for text in ("compare xpeng li-auto private", "private compare xpeng li-auto"):
        body = slash_body(text, fake_slack.hook_url())
        status, payload, _ = await post(http, runtime, body, sign(SECRET, body))
        assert status == 200
        assert payload["response_type"] == "ephemeral"
        assert blocks_of(payload, "table")


@pytest.mark.parametrize("text", ["compare", "frobnicate", "compare xpeng no-such-maker", "compare 'xpeng"])
async def test_errors_are_ephemeral(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack, text: str
) -> None:
    body = slash_body(text, fake_slack.hook_url())
    status, payload, _ = await post(http, runtime, body, sign(SECRET, body))
    assert status == 200
    assert payload["response_type"] == "ephemeral"
    assert payload["blocks"][0]["type"] == "header"


async def test_empty_text_shows_help(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack
) -> None:
    body = slash_body("", fake_slack.hook_url())
    status, payload, _ = await post(http, runtime, body, sign(SECRET, body))
    assert status == 200
    assert "compare" in payload["text"]


async def test_user_text_cannot_mention_anyone(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack
) -> None:
    body = slash_body("compare xpeng <!channel> <@U123>", fake_slack.hook_url())
    status, payload, _ = await post(http, runtime, body, sign(SECRET, body))
    assert status == 200
    dumped = str(payload)
    assert "<!channel>" not in dumped and "<@U123>" not in dumped


async def test_button_runs_its_command_as_the_presser(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []
    handlers = runtime.app.evbot_handlers  # type: ignore[attr-defined]
    original = handlers.core.handle

    def spy(request: Any) -> Any:
        seen.append(request)
        return original(request)

    monkeypatch.setattr(handlers.core, "handle", spy)
    body = action_body("/ev compare xpeng li-auto", fake_slack.hook_url("action"))
    async with http.post(url(runtime), data=body, headers=sign(SECRET, body)) as response:
        assert response.status == 200
    (answer,) = await fake_slack.wait_hooks(1)
    assert answer["replace_original"] is False
    assert blocks_of(answer, "table")
    assert seen[0].principal == f"slack:{TEAM}:{USER}"
    assert seen[0].platform == "slack" and seen[0].workspace == TEAM and seen[0].channel == "C0CHAN"


async def test_request_fields_reach_the_core(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []
    handlers = runtime.app.evbot_handlers  # type: ignore[attr-defined]
    original = handlers.core.handle
    monkeypatch.setattr(handlers.core, "handle", lambda r: (seen.append(r), original(r))[1])
    body = slash_body("compare xpeng li-auto private", fake_slack.hook_url())
    await post(http, runtime, body, sign(SECRET, body))
    (request,) = seen
    assert request.text == "/ev compare xpeng li-auto"
    assert request.principal == f"slack:{TEAM}:{USER}"
    assert request.roles == frozenset()
    assert request.display_name == "tester"


async def test_workspace_admin_lookup_is_optional(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    handlers = runtime.app.evbot_handlers  # type: ignore[attr-defined]
    seen = record_handled(handlers.core, monkeypatch)
    monkeypatch.setattr(handlers.core, "cached_answer", lambda r: None)  # every request reaches handle
    body = slash_body("compare xpeng li-auto", fake_slack.hook_url())
    await post(http, runtime, body, sign(SECRET, body))
    assert "users.info" not in fake_slack.calls
    monkeypatch.setattr(handlers.role_lookup, "enabled", True)
    fake_slack.users[USER] = {"id": USER, "is_admin": True}
    for _ in range(2):
        body = slash_body("compare xpeng li-auto", fake_slack.hook_url())
        await post(http, runtime, body, sign(SECRET, body))
    assert seen[-1].roles == frozenset({"platform_admin"})
    assert len(fake_slack.calls["users.info"]) == 1  # cached


async def test_health_endpoint(runtime: SlackRuntime, http: aiohttp.ClientSession) -> None:
    async with http.get(f"http://127.0.0.1:{runtime.port}/healthz") as response:
        assert response.status == 200


async def test_a_repeated_question_is_answered_from_the_cache_until_the_store_changes(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    handlers = runtime.app.evbot_handlers  # type: ignore[attr-defined]
    handled = record_handled(handlers.core, monkeypatch)
    body = slash_body("compare xpeng li-auto", fake_slack.hook_url())
    first = await post(http, runtime, body, sign(SECRET, body))
    second = await post(http, runtime, body, sign(SECRET, body))
    assert first[0] == second[0] == 200 and first[1] == second[1] and len(handled) == 1
    from knowledge.store import audit

    with handlers.core.db.transaction() as session:  # any recorded change: answered afresh
        audit(session, "test", "note", "store", None)
    await post(http, runtime, body, sign(SECRET, body))
    assert len(handled) == 2


async def test_the_ack_body_is_the_rendered_reply_as_json(
    runtime: SlackRuntime, http: aiohttp.ClientSession, fake_slack: FakeSlack
) -> None:
    """The acknowledgement body is encoded once per answer and handed to bolt as text: on the
    wire it must still be JSON, labelled as JSON, and exactly the pure renderer's blocks."""
    from adapters.slack.render import to_block_kit
    from bot.context import CommandRequest

    core = runtime.app.evbot_handlers.core  # type: ignore[attr-defined]
    for text, kind in (
        ("compare xpeng li-auto", "in_channel"),
        ("compare xpeng li-auto private", "ephemeral"),
    ):
        body = slash_body(text, fake_slack.hook_url())
        async with http.post(url(runtime), data=body, headers=sign(SECRET, body)) as response:
            assert response.status == 200
            assert response.content_type == "application/json"
            payload = await response.json()
        expected = to_block_kit(core.handle(CommandRequest(text="/ev compare xpeng li-auto")))
        assert payload == {"text": expected["text"], "blocks": expected["blocks"], "response_type": kind}
