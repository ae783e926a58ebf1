"""A local fake of Slack on loopback: the Web API (``/api/*``), ``response_url`` hooks, file uploads
and a Socket Mode WebSocket. Plus request signing the way Slack does it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web

from adapters.slack.runtime import SlackRuntime, start
from bot.core import Core
from bot.settings import Settings

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
TEAM = "T0TEAM"
USER = "U0USER"
CHANNEL = "C0CHAN"


def sign(secret: str, body: bytes, timestamp: str | None = None) -> dict[str, str]:
    """The headers Slack sends: ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature``."""
    stamp = timestamp if timestamp is not None else str(int(time.time()))
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def slash_fields(
    text: str, response_url: str, *, team: str = TEAM, user: str = USER, channel: str = CHANNEL
) -> dict[str, str]:
    return {
        "token": "deprecated",
        "team_id": team,
        "team_domain": "evbot-test",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": user,
        "user_name": "tester",
        "command": "/ev",
        "text": text,
        "api_app_id": "A0APP",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }


def slash_body(text: str, response_url: str, **kwargs: str) -> bytes:
    return urlencode(slash_fields(text, response_url, **kwargs)).encode()


def action_body(
    value: str, response_url: str, *, team: str = TEAM, user: str = USER, channel: str = CHANNEL
) -> bytes:
    payload = {
        "type": "block_actions",
        "team": {"id": team, "domain": "evbot-test"},
        "user": {"id": user, "username": "tester", "team_id": team},
        "api_app_id": "A0APP",
        "token": "deprecated",
        "container": {"type": "message", "message_ts": "1.1", "channel_id": channel, "is_ephemeral": False},
        "trigger_id": "1.2.3",
        "channel": {"id": channel, "name": "general"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": "evbot_action:0",
                "block_id": "b1",
                "type": "button",
                "value": value,
                "text": {"type": "plain_text", "text": "Go"},
                "action_ts": "1.2",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


@dataclass
class Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    """Records every Web API call and hook post; ``script[method]`` queues canned failures."""

    def __init__(self) -> None:
        self.calls: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.hooks: list[dict[str, Any]] = []
        self.posted: list[dict[str, Any]] = []
        self.uploads: list[bytes] = []
        self.script: dict[str, list[Scripted]] = defaultdict(list)
        self.users: dict[str, dict[str, Any]] = {}
        self.hook_event = asyncio.Event()
        self.sockets: list[web.WebSocketResponse] = []
        self.socket_connected = asyncio.Event()
        self.socket_messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.runner: web.AppRunner | None = None
        self.base = ""

    # ---- lifecycle -------------------------------------------------------------------------
    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/hooks/{name}", self._hook)
        app.router.add_post("/upload/{name}", self._upload)
        app.router.add_get("/ws", self._ws)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = self.runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        for socket in self.sockets:
            await socket.close()
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def hook_url(self, name: str = "cmd") -> str:
        return f"{self.base}/hooks/{name}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.base.rsplit(':', 1)[1]}/ws"

    async def wait_hooks(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        async def until() -> None:
            while len(self.hooks) < count:
                self.hook_event.clear()
                await self.hook_event.wait()

        await asyncio.wait_for(until(), timeout)
        return self.hooks

    # ---- Web API ---------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        args["_auth"] = request.headers.get("Authorization", "")
        self.calls[method].append(args)
        if self.script[method]:
            canned = self.script[method].pop(0)
            return web.json_response(canned.body, status=canned.status, headers=canned.headers)
        return web.json_response(self._answer(method, args))

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://evbot-test.slack.com/",
                "team": "evbot",
                "user": "evbot",
                "team_id": TEAM,
                "user_id": "UBOT",
                "bot_id": "BBOT",
            }
        if method == "chat.postMessage":
            ts = f"1700000000.{len(self.posted) + 1:06d}"
            self.posted.append({**args, "ts": ts})
            return {"ok": True, "channel": args.get("channel"), "ts": ts}
        if method == "conversations.history":
            channel = args.get("channel")
            messages = [
                {"type": "message", "ts": p["ts"], "text": p.get("text"), "metadata": p.get("metadata")}
                for p in reversed(self.posted)
                if p.get("channel") == channel
            ]
            return {"ok": True, "messages": messages, "has_more": False}
        if method == "users.info":
            user = self.users.get(str(args.get("user")), {"id": args.get("user"), "is_admin": False})
            return {"ok": True, "user": user}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.ws_url}
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": f"{self.base}/upload/F0FILE", "file_id": "F0FILE"}
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": "F0FILE", "title": "chart"}]}
        if method == "oauth.v2.access":
            return {
                "ok": True,
                "app_id": "A0APP",
                "authed_user": {"id": USER},
                "scope": "commands,chat:write",
                "token_type": "bot",
                "access_token": "xoxb-installed-token",
                "bot_user_id": "UBOT2",
                "team": {"id": "T0OTHER", "name": "Other"},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        return {"ok": True}

    async def _hook(self, request: web.Request) -> web.Response:
        self.hooks.append(await request.json())
        self.hook_event.set()
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads.append(await request.read())
        return web.Response(text="OK")

    # ---- Socket Mode -----------------------------------------------------------------------
    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0APP"}}
        )
        self.socket_connected.set()
        async for msg in socket:
            if msg.type == WSMsgType.TEXT:
                await self.socket_messages.put(json.loads(msg.data))
        return socket

    async def push(self, envelope: dict[str, Any]) -> None:
        await self.socket_connected.wait()
        await self.sockets[-1].send_json(envelope)


@asynccontextmanager
async def running(core: Core, settings: Settings) -> AsyncIterator[SlackRuntime]:
    """The Slack runtime as ``evbot run`` starts it, stopped afterwards."""
    runtime = await start(core, settings)
    try:
        yield runtime
    finally:
        await runtime.stop()
