"""``serve(core, settings)``: evbot on Slack over HTTP (Events API), Socket Mode, or both.

- HTTP mode when ``SLACK_SIGNING_SECRET`` and ``SLACK_BOT_TOKEN`` are set (or OAuth installs are
  configured): bolt's aiohttp ``web_app()`` served on ``EVBOT_SLACK_HOST``:``EVBOT_SLACK_PORT``,
  requests at ``/slack/events``; with ``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET`` also
  ``/slack/install`` and ``/slack/oauth_redirect``.
- Socket Mode when ``SLACK_APP_TOKEN`` is set (``AsyncSocketModeHandler.connect_async``).
- ``EVBOT_SLACK_API_URL`` points the Web API client somewhere else (a local fake in tests).
- ``EVBOT_SLACK_WORKSPACE_ADMINS=1`` makes Slack workspace admins and owners
  evbot admins (``users.info``; needs ``users:read``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import build_app
from adapters.slack.oauth import oauth_enabled, oauth_settings
from bot.core import Core
from bot.settings import Settings

log = logging.getLogger("evbot.slack")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def _secret(value: object) -> str | None:
    getter = getattr(value, "get_secret_value", None)
    return getter() if callable(getter) else None


def api_base_url(settings: Settings) -> str | None:
    """The Web API base URL override, normalised to end with a slash as slack_sdk expects."""
    url = settings.slack_api_url
    if not url:
        return None
    return url if url.endswith("/") else url + "/"


def web_client(settings: Settings, token: str | None = None) -> AsyncWebClient:
    base = api_base_url(settings)
    return AsyncWebClient(token=token, base_url=base) if base else AsyncWebClient(token=token)


def _is_integer(value: str) -> bool:
    try:
        int(value)
    except ValueError:
        return False
    return True


@web.middleware
async def timestamp_guard(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Answer 401 for a non-integer ``X-Slack-Request-Timestamp`` (bolt would raise and answer 500)."""
    if request.method == "POST" and request.path == EVENTS_PATH:
        stamp = request.headers.get("X-Slack-Request-Timestamp")
        if stamp is not None and not _is_integer(stamp.strip()):
            return web.json_response({"error": "invalid request"}, status=401)
    return await handler(request)


async def _health(_: web.Request) -> web.Response:
    return web.Response(text="ok")


def make_web_app(app: AsyncApp) -> web.Application:
    """Bolt's aiohttp application (events, and the OAuth pages when configured) plus our guard."""
    web_app = app.web_app(path=EVENTS_PATH)
    web_app.middlewares.append(timestamp_guard)
    web_app.router.add_get(HEALTH_PATH, _health)
    return web_app


@dataclass
class SlackRuntime:
    """The running pieces: the bolt app, the HTTP site (if any) and the Socket Mode handler (if any)."""

    app: AsyncApp
    runner: web.AppRunner | None = None
    socket: AsyncSocketModeHandler | None = None
    ports: list[int] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.ports[0]

    async def stop(self) -> None:
        handlers = getattr(self.app, "evbot_handlers", None)
        if handlers is not None:
            await handlers.drain()
        if self.socket is not None:
            await self.socket.close_async()
            self.socket = None
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


async def start(core: Core, settings: Settings, *, socket_wss_uri: str | None = None) -> SlackRuntime:
    """Build the app from settings and start HTTP and/or Socket Mode; ``stop()`` the result when done."""
    signing_secret = _secret(settings.slack_signing_secret)
    token = _secret(settings.slack_bot_token)
    app_token = _secret(settings.slack_app_token)
    oauth = None
    if oauth_enabled(settings):
        oauth = await asyncio.to_thread(oauth_settings, settings, core.db.engine)
    http_on = bool(signing_secret) and (bool(token) or oauth is not None)
    if not http_on and not app_token:
        raise RuntimeError(
            "Slack needs SLACK_SIGNING_SECRET with SLACK_BOT_TOKEN (HTTP) or SLACK_APP_TOKEN (Socket Mode)"
        )
    if not token and oauth is None:
        raise RuntimeError("Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID/SLACK_CLIENT_SECRET for installs")
    app = build_app(
        core,
        signing_secret=signing_secret,
        token=token,
        client=web_client(settings, token if oauth is None else None),
        oauth=oauth,
        workspace_admins=settings.slack_workspace_admins,
    )
    runtime = SlackRuntime(app)
    try:
        if http_on:
            runtime.runner = web.AppRunner(make_web_app(app), access_log=None)
            await runtime.runner.setup()
            site = web.TCPSite(runtime.runner, settings.slack_host, settings.slack_port)
            await site.start()
            runtime.ports = [address[1] for address in runtime.runner.addresses]
            log.warning("Slack HTTP mode on %s:%s%s", settings.slack_host, runtime.ports, EVENTS_PATH)
        if app_token:
            runtime.socket = AsyncSocketModeHandler(app, app_token)
            if socket_wss_uri:
                runtime.socket.client.wss_uri = socket_wss_uri
            await runtime.socket.connect_async()
            log.warning("Slack Socket Mode connected")
    except BaseException:
        await runtime.stop()
        raise
    return runtime


async def serve(core: Core, settings: Settings) -> None:
    """Run the Slack adapter until cancelled (``evbot run``)."""
    runtime = await start(core, settings)
    try:
        await asyncio.Event().wait()
    finally:
        await runtime.stop()
