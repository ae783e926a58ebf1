"""``SlackPoster``: scheduled messages (the digest) to Slack channels, the ``bot.posting.Poster`` contract.

Slack has no idempotency key for ``chat.postMessage``, so each post carries message metadata
``{"event_type": "evbot_post", "event_payload": {"key": idempotency_key}}`` and ``find_posted``
looks for it in the channel's recent history before posting again. Rate limits (429 with
``Retry-After``) and server errors (5xx) are retried by slack_sdk's retry handlers; what still fails
becomes ``TransientPostError``, and a channel the bot cannot use becomes ``ChannelUnavailable``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import to_block_kit
from bot.posting import ChannelUnavailable, PostResult, TransientPostError
from bot.reply import Reply
from bot.settings import Settings
from knowledge.db import Database

log = logging.getLogger("evbot.slack.poster")

EVENT_TYPE = "evbot_post"
UNAVAILABLE = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "team_access_not_granted",
    }
)
HISTORY_UNREADABLE = frozenset({"missing_scope", "not_allowed_token_type"})
HISTORY_PAGES = 2
HISTORY_PAGE_SIZE = 200


def add_retry_handlers(client: AsyncWebClient, retries: int = 2) -> AsyncWebClient:
    """Retry 429s (honouring ``Retry-After``), 5xx responses and connection errors."""
    kinds = {type(h) for h in client.retry_handlers}
    for handler in (
        AsyncConnectionErrorRetryHandler(max_retry_count=retries),
        AsyncRateLimitErrorRetryHandler(max_retry_count=retries),
        AsyncServerErrorRetryHandler(max_retry_count=retries),
    ):
        if type(handler) not in kinds:
            client.retry_handlers.append(handler)
    return client


def _error_code(exc: SlackApiError) -> str:
    response = exc.response
    try:
        return str(response.get("error") or "")
    except Exception:
        return ""


class SlackPoster:
    """Posts replies with Block Kit; one instance per bot token (workspace)."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient, retries: int = 2) -> None:
        self.client = add_retry_handlers(client, retries)

    @classmethod
    def from_settings(cls, settings: Settings, token: str | None = None) -> SlackPoster:
        from adapters.slack.runtime import web_client

        if token is None and settings.slack_bot_token is not None:
            token = settings.slack_bot_token.get_secret_value()
        if not token:
            raise ValueError("SlackPoster needs a bot token (SLACK_BOT_TOKEN or a workspace installation)")
        return cls(web_client(settings, token))

    async def post(self, channel: str, reply: Reply, idempotency_key: str) -> PostResult:
        existing = await self.find_posted(channel, idempotency_key)
        if existing is not None:
            return PostResult(existing)
        payload = to_block_kit(reply)
        response = await self._call(
            "chat.postMessage",
            channel,
            self.client.chat_postMessage,
            channel=channel,
            text=payload["text"],
            blocks=payload["blocks"],
            metadata={"event_type": EVENT_TYPE, "event_payload": {"key": idempotency_key}},
            unfurl_links=False,
            unfurl_media=False,
        )
        return PostResult(str(response.get("ts")))

    async def find_posted(self, channel: str, idempotency_key: str) -> str | None:
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            kwargs: dict[str, Any] = {
                "channel": channel,
                "limit": HISTORY_PAGE_SIZE,
                "include_all_metadata": True,
            }
            if cursor:
                kwargs["cursor"] = cursor
            try:
                response = await self._call(
                    "conversations.history", channel, self.client.conversations_history, **kwargs
                )
            except TransientPostError as exc:
                if (
                    isinstance(exc.__cause__, SlackApiError)
                    and _error_code(exc.__cause__) in HISTORY_UNREADABLE
                ):
                    log.warning("cannot read history of %s to deduplicate: %s", channel, exc)
                    return None
                raise
            for found in response.get("messages") or []:
                metadata = found.get("metadata") or {}
                if (
                    metadata.get("event_type") == EVENT_TYPE
                    and (metadata.get("event_payload") or {}).get("key") == idempotency_key
                ):
                    return str(found.get("ts"))
            cursor = ((response.get("response_metadata") or {}).get("next_cursor")) or None
            if not cursor:
                break
        return None

    async def upload_image(
        self, channel: str, image: Path | str | bytes, title: str, filename: str | None = None
    ) -> str:
        """Upload a chart or image into the channel (``files_upload_v2``); returns the file id."""
        if isinstance(image, bytes):
            data = image
            name = filename or "image.png"
        else:
            path = Path(image)
            data = await asyncio.to_thread(path.read_bytes)
            name = filename or path.name
        response = await self._call(
            "files.uploadV2",
            channel,
            self.client.files_upload_v2,
            channel=channel,
            file=data,
            filename=name,
            title=title,
        )
        files = response.get("files") or []
        file = response.get("file") or (files[0] if files else {})
        return str(file.get("id") or "")

    async def _call(self, method: str, where: str, call: Any, /, **kwargs: Any) -> Any:
        try:
            return await call(**kwargs)
        except SlackApiError as exc:
            code = _error_code(exc)
            if code in UNAVAILABLE:
                raise ChannelUnavailable(f"{method} in {where}: {code}") from exc
            raise TransientPostError(f"{method} in {where}: {code or exc}") from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransientPostError(f"{method} in {where}: {exc!r}") from exc


class InstalledSlackPosters:
    """Posts as the bot installed in each workspace (apps installed through ``/slack/install``).

    The digest asks ``for_workspace(team_id)`` for each subscription and gets a ``SlackPoster``
    holding that workspace's bot token, read from the installation store (one lookup per workspace,
    then cached). A workspace with no installation falls back to ``SLACK_BOT_TOKEN`` when one is set;
    otherwise its channels are unavailable, which pauses their subscriptions.
    """

    platform = "slack"

    def __init__(self, settings: Settings, find_token: Callable[[str], str | None],
                 fallback: SlackPoster | None = None) -> None:  # fmt: skip
        self.settings = settings
        self.find_token = find_token
        self.fallback = fallback
        self._by_team: dict[str, SlackPoster] = {}

    @classmethod
    def from_settings(cls, settings: Settings, db: Database) -> InstalledSlackPosters:
        from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

        if not settings.slack_client_id:
            raise ValueError("InstalledSlackPosters needs SLACK_CLIENT_ID")
        store = SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=db.engine, logger=log)

        def find_token(team_id: str) -> str | None:
            bot = store.find_bot(enterprise_id=None, team_id=team_id)
            return bot.bot_token if bot is not None else None

        fallback = SlackPoster.from_settings(settings) if settings.slack_bot_token is not None else None
        return cls(settings, find_token, fallback)

    async def for_workspace(self, workspace: str) -> SlackPoster:
        poster = self._by_team.get(workspace)
        if poster is not None:
            return poster
        token = await asyncio.to_thread(self.find_token, workspace)
        if token:
            from adapters.slack.runtime import web_client

            poster = SlackPoster(web_client(self.settings, token))
        elif self.fallback is not None:
            poster = self.fallback
        else:
            raise ChannelUnavailable(f"evbot is not installed in Slack workspace {workspace}")
        self._by_team[workspace] = poster
        return poster

    def _default(self) -> SlackPoster:
        if self.fallback is None:
            raise ChannelUnavailable("no Slack workspace given and no SLACK_BOT_TOKEN to post with")
        return self.fallback

    async def post(self, channel: str, reply: Reply, idempotency_key: str) -> PostResult:
        return await self._default().post(channel, reply, idempotency_key)

    async def find_posted(self, channel: str, idempotency_key: str) -> str | None:
        return await self._default().find_posted(channel, idempotency_key)
