"""The bolt ``AsyncApp``: the ``/ev`` slash command and the reply buttons, as thin calls into the core.

Slack wants an acknowledgement within 3 seconds. A fast command is answered in the
acknowledgement itself; a slow one (``CommandSpec.slow``) is acknowledged at once with
"Working on it…" and answered later through ``respond()`` (the ``response_url``). A fast command
that still overruns ``ack_budget`` falls back to the same deferred path, so the deadline holds
whatever the database does. The core is synchronous: it always runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import ACTION_ID_PREFIX, to_block_kit
from bot.context import CommandRequest
from bot.core import Core
from bot.policy import PLATFORM_ADMIN
from bot.reply import Reply

log = logging.getLogger("evbot.slack")

COMMAND = "/ev"
PRIVATE_WORD = "private"
WORKING = "Working on it…"
ACK_BUDGET_SECONDS = 2.0  # answer in the ack only if the core finishes this fast (Slack allows 3 s)
ROLE_CACHE_SECONDS = 300.0

Ack = Callable[..., Awaitable[Any]]
Respond = Callable[..., Awaitable[Any]]


def split_private(text: str) -> tuple[str, bool]:
    """Remove a leading or trailing ``private`` word; say whether it was there."""
    words = text.strip().split()
    private = False
    if words and words[-1].lower() == PRIVATE_WORD:
        words.pop()
        private = True
    elif words and words[0].lower() == PRIVATE_WORD:
        words.pop(0)
        private = True
    if not private:
        return text.strip(), False
    return " ".join(words), True


def response_type(reply: Reply, private: bool) -> str:
    """Errors, refusals and replies the core marks ephemeral go only to the asker; answers to the channel."""
    return "ephemeral" if private or reply.ephemeral or reply.is_error else "in_channel"


@dataclass
class Rendering:
    """One reply rendered for Slack, and its acknowledgement bodies already encoded as JSON."""

    payload: dict[str, Any]
    encoded: dict[str, str] = field(default_factory=dict)

    def fields(self, kind: str) -> dict[str, Any]:
        """The message fields for ``respond`` (or an ack): text, blocks and who sees them."""
        return {"text": self.payload["text"], "blocks": self.payload["blocks"], "response_type": kind}

    def body(self, kind: str) -> str:
        text = self.encoded.get(kind)
        if text is None:
            text = self.encoded[kind] = json.dumps(self.fields(kind))
        return text


_RENDERED: OrderedDict[int, tuple[weakref.ref[Reply], Rendering]] = OrderedDict()
_RENDERED_MAX = 256


def rendered(reply: Reply) -> Rendering:
    """``to_block_kit(reply)``, remembered per reply object: the core hands out the same reply for a
    repeated question until the store changes, and rendering it again would give the same blocks."""
    key = id(reply)
    hit = _RENDERED.get(key)
    if hit is not None and hit[0]() is reply:
        return hit[1]
    rendering = Rendering(to_block_kit(reply))
    _RENDERED[key] = (weakref.ref(reply), rendering)
    while len(_RENDERED) > _RENDERED_MAX:
        _RENDERED.popitem(last=False)
    return rendering


def message(reply: Reply, private: bool) -> dict[str, Any]:
    """The keyword arguments for ``respond``: rendered blocks and who sees them."""
    return rendered(reply).fields(response_type(reply, private))


async def ack_with(ack: Ack, reply: Reply, private: bool) -> None:
    """Acknowledge with the reply as the response body.

    The body is handed to bolt already encoded: ``ack`` given only a string returns it as the
    body, and bolt labels a body that starts with ``{`` as JSON. Encoding the ~5 KB of blocks
    again for every repeated question was the adapter's largest cost after the store's.
    """
    await ack(rendered(reply).body(response_type(reply, private)))


def principal(team_id: str, user_id: str) -> str:
    return f"slack:{team_id}:{user_id}"


@dataclass
class RoleLookup:
    """Optional: Slack workspace admins and owners get ``platform_admin`` (``users.info``, cached)."""

    enabled: bool = False
    ttl: float = ROLE_CACHE_SECONDS
    _cache: dict[tuple[str, str], tuple[float, frozenset[str]]] = field(default_factory=dict)

    async def roles(self, client: AsyncWebClient, team_id: str, user_id: str) -> frozenset[str]:
        if not self.enabled:
            return frozenset()
        key = (team_id, user_id)
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached and cached[0] > now:
            return cached[1]
        roles: frozenset[str] = frozenset()
        try:
            response = await client.users_info(user=user_id)
            user = response.get("user") or {}
            if user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"):
                roles = frozenset({PLATFORM_ADMIN})
        except SlackApiError as exc:  # no users:read, or a deleted user: no extra roles
            log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        except Exception:
            log.exception("users.info failed for %s", user_id)
            return roles  # do not cache an outage
        self._cache[key] = (now + self.ttl, roles)
        return roles


@dataclass
class SlackHandlers:
    core: Core
    ack_budget: float = ACK_BUDGET_SECONDS
    role_lookup: RoleLookup = field(default_factory=RoleLookup)
    _background: set[asyncio.Future[None]] = field(default_factory=set)

    async def run(self, request: CommandRequest) -> Reply:
        return await asyncio.to_thread(self.core.handle, request)

    async def on_command(
        self, ack: Ack, body: Mapping[str, Any], respond: Respond, client: AsyncWebClient
    ) -> None:
        text, private = split_private(str(body.get("text") or ""))
        line = f"{COMMAND} {text}".strip()
        team_id = str(body.get("team_id") or "")
        user_id = str(body.get("user_id") or "")
        spec = self.core.spec_for(line)
        if spec is not None and spec.slow:
            await ack(text=WORKING, response_type="ephemeral")
            self._later(self._answer_later(client, line, team_id, user_id, body, respond, private))
            return
        request = await self._request(
            client, line, team_id, user_id, body.get("channel_id"), body.get("user_name")
        )
        cached = self.core.cached_answer(request)  # a repeated question: no trip to a worker thread
        if cached is not None:
            await ack_with(ack, cached, private)
            return
        task = asyncio.ensure_future(self.run(request))
        done, _ = await asyncio.wait({task}, timeout=self.ack_budget)
        if done:
            await ack_with(ack, task.result(), private)
            return
        await ack(text=WORKING, response_type="ephemeral")
        self._later(self._respond_when_done(task, respond, private))

    async def drain(self, timeout: float = 10.0) -> None:
        """Let deferred answers finish (on shutdown)."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=timeout)

    def _later(self, work: Coroutine[Any, Any, None]) -> None:
        """Finish after the ack has been returned to Slack (bolt runs listeners before responding)."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _answer_later(
        self,
        client: AsyncWebClient,
        line: str,
        team_id: str,
        user_id: str,
        body: Mapping[str, Any],
        respond: Respond,
        private: bool,
    ) -> None:
        request = await self._request(
            client, line, team_id, user_id, body.get("channel_id"), body.get("user_name")
        )
        await self._respond_when_done(asyncio.ensure_future(self.run(request)), respond, private)

    async def _respond_when_done(self, task: asyncio.Future[Reply], respond: Respond, private: bool) -> None:
        try:
            reply = await task
            await respond(**message(reply, private))
        except Exception:
            log.exception("could not deliver a deferred answer")

    async def on_action(
        self, ack: Ack, body: Mapping[str, Any], respond: Respond, client: AsyncWebClient
    ) -> None:
        await ack()
        actions = body.get("actions") or []
        value = str(actions[0].get("value") or "") if actions else ""
        if value:
            self._later(self._run_action(value, body, respond, client))

    async def _run_action(
        self, value: str, body: Mapping[str, Any], respond: Respond, client: AsyncWebClient
    ) -> None:
        user = body.get("user") or {}
        team_id = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
        channel = (body.get("channel") or {}).get("id")
        request = await self._request(
            client,
            value,
            team_id,
            str(user.get("id") or ""),
            channel,
            user.get("username") or user.get("name"),
        )
        reply = await self.run(request)
        private = bool((body.get("container") or {}).get("is_ephemeral"))
        try:
            await respond(replace_original=False, **message(reply, private))
        except Exception:
            log.exception("could not deliver a button's answer")

    async def _request(
        self, client: AsyncWebClient, text: str, team_id: str, user_id: str, channel: Any, name: Any
    ) -> CommandRequest:
        return CommandRequest(
            text=text,
            principal=principal(team_id, user_id),
            platform="slack",
            workspace=team_id,
            channel=str(channel) if channel else None,
            roles=await self.role_lookup.roles(client, team_id, user_id),
            display_name=str(name) if name else None,
        )


def build_app(
    core: Core,
    *,
    signing_secret: str | None,
    token: str | None,
    client: AsyncWebClient | None = None,
    oauth: AsyncOAuthSettings | None = None,
    workspace_admins: bool = False,
    ack_budget: float = ACK_BUDGET_SECONDS,
) -> AsyncApp:
    """The bolt app with evbot's listeners. ``oauth`` switches to per-workspace tokens from the store."""
    app = AsyncApp(
        # Listeners run to completion before bolt answers (no 10 ms ack polling per request);
        # anything that outlives the ack is handed to a background task (see SlackHandlers._later).
        process_before_response=True,
        signing_secret=signing_secret or "",
        request_verification_enabled=bool(signing_secret),
        token=None if oauth is not None else token,
        client=client,
        oauth_settings=oauth,
        name="evbot",
    )
    handlers = SlackHandlers(core, ack_budget, RoleLookup(enabled=workspace_admins))
    app.command(COMMAND)(handlers.on_command)
    app.action(re.compile(rf"^{ACTION_ID_PREFIX}:\d+$"))(handlers.on_action)
    app.evbot_handlers = handlers  # type: ignore[attr-defined]
    return app
