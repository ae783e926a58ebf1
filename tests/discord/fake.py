"""A local fake of Discord for the real discord.py client: REST under /api/v10 and a minimal gateway.

It serves what discord.py 2.7 calls on login, command sync, interaction callbacks, webhook
follow-ups and channel messages, records every request, and can be scripted to fail a route
(e.g. a 429 with a ``Via`` header, which discord.py retries; without ``Via`` it is treated as a
Cloudflare ban). Responses carry ``Content-Type: application/json`` exactly, as discord.py checks.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 880000000000000001
BOT_ID = 880000000000000002
GUILD_ID = 770000000000000001
CHANNEL_ID = 770000000000000002
TIMESTAMP = "2026-01-05T09:00:00+00:00"
MANAGE_GUILD = 1 << 5
MANAGE_CHANNELS = 1 << 4
BASIC_PERMISSIONS = (1 << 10) | (1 << 11)  # view channel, send messages

BOT_USER = {
    "id": str(BOT_ID),
    "username": "evbot",
    "discriminator": "0",
    "global_name": "evbot",
    "avatar": None,
    "bot": True,
    "flags": 0,
}


def user_payload(user_id: int, name: str = "tester") -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "discriminator": "0", "global_name": name, "avatar": None}


@dataclass
class Recorded:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any

    @property
    def json(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}

    @property
    def json_list(self) -> list[Any]:
        return self.body if isinstance(self.body, list) else []


@dataclass
class Scripted:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(status=status, body=json.dumps(data).encode("utf-8"), headers=all_headers)


class FakeDiscord:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.identifies: list[dict[str, Any]] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.scripted: list[Scripted] = []
        self.channel_nonces: dict[tuple[str, str], dict[str, Any]] = {}
        self.seq = 0
        self._ids = itertools.count(990000000000000001)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        api = "/api/v10"
        app.router.add_get(f"{api}/users/@me", self._me)
        app.router.add_get(f"{api}/oauth2/applications/@me", self._application)
        app.router.add_get(f"{api}/gateway/bot", self._gateway_bot)
        app.router.add_get(f"{api}/gateway", self._gateway_bot)
        app.router.add_put(f"{api}/applications/{{app}}/commands", self._put_commands)
        app.router.add_put(f"{api}/applications/{{app}}/guilds/{{guild}}/commands", self._put_commands)
        app.router.add_post(f"{api}/interactions/{{id}}/{{token}}/callback", self._callback)
        app.router.add_post(f"{api}/webhooks/{{app}}/{{token}}", self._followup)
        app.router.add_route(
            "*", f"{api}/webhooks/{{app}}/{{token}}/messages/{{message}}", self._webhook_message
        )
        app.router.add_post(f"{api}/channels/{{channel}}/messages", self._channel_message)
        app.router.add_get("/gateway", self._gateway)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- scripting and inspection ---------------------------------------------------------------

    def script(
        self,
        method: str,
        path_regex: str,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` matching requests with this response instead."""
        for _ in range(times):
            self.scripted.append(Scripted(method, re.compile(path_regex), status, body, headers or {}))

    def find(self, method: str, path_regex: str) -> list[Recorded]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and pattern.search(r.path)]

    async def wait_for(
        self, method: str, path_regex: str, count: int = 1, timeout: float = 10.0
    ) -> list[Recorded]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = self.find(method, path_regex)
            if len(found) >= count:
                return found
            if loop.time() > deadline:
                seen = [(r.method, r.path) for r in self.requests]
                raise AssertionError(f"no {count}× {method} {path_regex} within {timeout}s; saw {seen}")
            await asyncio.sleep(0.01)

    async def wait_identified(self, timeout: float = 10.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.identifies:
            if loop.time() > deadline:
                raise AssertionError("the client never identified on the gateway")
            await asyncio.sleep(0.01)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Push a gateway event to every connected client."""
        for ws in list(self.sockets):
            self.seq += 1
            await ws.send_str(json.dumps({"op": 0, "t": event, "s": self.seq, "d": data}))

    def next_id(self) -> int:
        return next(self._ids)

    # -- REST ---------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        if request.path == "/gateway":
            response: web.StreamResponse = await handler(request)
            return response
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
        path = request.path.removeprefix("/api/v10")
        self.requests.append(Recorded(request.method, path, dict(request.query), body))
        for index, scripted in enumerate(self.scripted):
            if scripted.method == request.method and scripted.pattern.search(path):
                del self.scripted[index]
                return _json(scripted.body, scripted.status, scripted.headers)
        response = await handler(request)
        return response

    async def _me(self, request: web.Request) -> web.Response:
        return _json(BOT_USER)

    async def _application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": str(APP_ID),
                "name": "evbot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": user_payload(1, "owner"),
                "verify_key": "00" * 32,
                "flags": 0,
                "summary": "",
                "rpc_origins": [],
            }
        )

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _put_commands(self, request: web.Request) -> web.Response:
        payload = self.requests[-1].body or []
        guild = request.match_info.get("guild")
        out = []
        for command in payload:
            stored = dict(command)
            stored.update({"id": str(self.next_id()), "application_id": str(APP_ID), "version": "1"})
            if guild:
                stored["guild_id"] = guild
            out.append(stored)
        return _json(out)

    async def _callback(self, request: web.Request) -> web.Response:
        body = self.requests[-1].json
        flags = int((body.get("data") or {}).get("flags") or 0)
        return _json(
            {
                "interaction": {
                    "id": request.match_info["id"],
                    "type": 2,
                    "response_message_loading": body.get("type") == 5,
                    "response_message_ephemeral": bool(flags & 64),
                }
            }
        )

    def message(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(self.next_id()),
            "channel_id": channel_id,
            "author": BOT_USER,
            "content": body.get("content") or "",
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": int(body.get("flags") or 0),
            "nonce": body.get("nonce"),
        }

    async def _followup(self, request: web.Request) -> web.Response:
        return _json(self.message(str(CHANNEL_ID), self.requests[-1].json))

    async def _webhook_message(self, request: web.Request) -> web.StreamResponse:
        if request.method == "DELETE":
            return web.Response(status=204)
        return _json(self.message(str(CHANNEL_ID), self.requests[-1].json))

    async def _channel_message(self, request: web.Request) -> web.Response:
        channel = request.match_info["channel"]
        body = self.requests[-1].json
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce") and (channel, nonce) in self.channel_nonces:
            return _json(self.channel_nonces[(channel, nonce)])  # Discord returns the earlier message
        message = self.message(channel, body)
        if nonce:
            self.channel_nonces[(channel, nonce)] = message
        return _json(message)

    def channel_posts(self, channel: int | str) -> list[Recorded]:
        """Channel messages that created a new message (scripted failures excluded)."""
        created: list[Recorded] = []
        seen: set[str] = set()
        for posted in self.find("POST", rf"^/channels/{channel}/messages$"):
            nonce = str(posted.json.get("nonce"))
            if (str(channel), nonce) in self.channel_nonces and nonce not in seen:
                seen.add(nonce)
                created.append(posted)
        return created

    # -- gateway ------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        try:
            await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                if data.get("op") == 1:
                    await ws.send_str(json.dumps({"op": 11}))
                elif data.get("op") == 2:
                    self.identifies.append(data["d"])
                    shard = data["d"].get("shard") or [0, 1]
                    self.seq += 1
                    ready = {
                        "v": 10,
                        "user": BOT_USER,
                        "guilds": [],
                        "session_id": f"session-{len(self.identifies)}",
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": str(APP_ID), "flags": 0},
                        "shard": shard,
                    }
                    await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": self.seq, "d": ready}))
        finally:
            self.sockets.remove(ws)
        return ws


# -- interaction payloads -------------------------------------------------------------------------


def _channel() -> dict[str, Any]:
    return {
        "id": str(CHANNEL_ID),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def interaction(
    kind: int,
    data: dict[str, Any],
    *,
    user_id: int = 5001,
    permissions: int = BASIC_PERMISSIONS,
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload from a guild member (2 command, 3 button, 4 autocomplete)."""
    interaction_id = str(next(_interaction_ids))
    payload: dict[str, Any] = {
        "id": interaction_id,
        "application_id": str(APP_ID),
        "type": kind,
        "data": data,
        "guild_id": str(GUILD_ID),
        "guild": {"id": str(GUILD_ID), "locale": "en-US", "features": []},
        "channel_id": str(CHANNEL_ID),
        "channel": _channel(),
        "member": {
            "user": user_payload(user_id),
            "roles": [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions),
        },
        "token": f"token-{interaction_id}",
        "version": 1,
        "app_permissions": str(BASIC_PERMISSIONS),
        "locale": "en-US",
        "guild_locale": "en-US",
        "attachment_size_limit": 8 * 1024 * 1024,
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
    }
    if message is not None:
        payload["message"] = message
    return payload


_interaction_ids = itertools.count(660000000000000001)


def slash(
    path: list[str], options: dict[str, Any], *, focused: str | None = None, **kwargs: Any
) -> dict[str, Any]:
    """``/ev <path...>`` with string options; ``focused`` makes it an autocomplete request (type 4)."""
    leaf = [
        {"name": name, "type": 3, "value": value, **({"focused": True} if name == focused else {})}
        for name, value in options.items()
    ]
    node: list[dict[str, Any]] = leaf
    for depth, name in reversed(list(enumerate(path))):
        kind = 1 if depth == len(path) - 1 else 2
        node = [{"name": name, "type": kind, "options": node}]
    data = {"id": str(APP_ID + 7), "name": "ev", "type": 1, "options": node, "guild_id": str(GUILD_ID)}
    return interaction(4 if focused else 2, data, **kwargs)


def button(custom_id: str, **kwargs: Any) -> dict[str, Any]:
    message = {
        "id": "990000000000000999",
        "channel_id": str(CHANNEL_ID),
        "author": BOT_USER,
        "content": "",
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        # Discord sends the clicked message with its components; discord.py finds the button there
        "components": [
            {"type": 1, "components": [{"type": 2, "style": 1, "label": "Run", "custom_id": custom_id}]}
        ],
        "pinned": False,
        "type": 0,
        "flags": 0,
    }
    return interaction(3, {"custom_id": custom_id, "component_type": 2}, message=message, **kwargs)


class ThreadedFake:
    """The fake on its own event loop in a thread, for code that runs ``asyncio.run`` itself (the CLI)."""

    def __init__(self) -> None:
        self.fake = FakeDiscord()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> FakeDiscord:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.fake.start(), self.loop).result(10)
        return self.fake

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()
