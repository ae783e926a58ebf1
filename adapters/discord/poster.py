"""``DiscordPoster``: scheduled messages (the digest) to a channel over REST, with no gateway needed.

Any replica can post: the poster logs in over REST only (``/users/@me``), or reuses a running
client. A repeated post with the same idempotency key sends the same nonce with
``enforce_nonce``, so Discord returns the earlier message instead of creating another (for a few
minutes). discord.py itself waits out and retries 429s that come from Discord (those carry a
``Via`` header); a wait longer than ``max_ratelimit_timeout`` becomes ``TransientPostError``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

import aiohttp
import discord

from adapters.discord.render import to_discord
from adapters.discord.runtime import client_options, configure_endpoints, send_kwargs
from adapters.discord.state import remember_actions
from bot.posting import ChannelUnavailable, PostResult, TransientPostError
from bot.reply import Reply
from bot.settings import Settings
from knowledge.db import Database

log = logging.getLogger("evbot.discord.poster")

NONCE_MAX = 25
# Discord error codes meaning the bot cannot post in this channel at all.
UNKNOWN_CHANNEL = 10003
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
CANNOT_SEND_IN_CHANNEL = 50008  # e.g. a voice or category channel
GONE = frozenset({UNKNOWN_CHANNEL, MISSING_ACCESS, MISSING_PERMISSIONS, CANNOT_SEND_IN_CHANNEL})


def nonce_for(idempotency_key: str, part: int = 0) -> str:
    """A deterministic nonce (at most 25 characters) for one part of one logical message."""
    material = idempotency_key if part == 0 else f"{idempotency_key}#{part}"
    return "ev" + hashlib.sha256(material.encode("utf-8")).hexdigest()[: NONCE_MAX - 2]


def _post_error(channel: str, exc: discord.HTTPException) -> Exception:
    """A 404 Unknown Channel or a 403 Missing Access pauses the channel; anything else is retried later."""
    detail = f"{exc.status} {exc.code}: {exc.text}"
    if isinstance(exc, discord.NotFound) and exc.code in (UNKNOWN_CHANNEL, 0):
        return ChannelUnavailable(f"channel {channel} does not exist ({detail})")
    if isinstance(exc, discord.Forbidden) and exc.code in GONE:
        return ChannelUnavailable(f"evbot may not post in channel {channel} ({detail})")
    if exc.code in GONE:
        return ChannelUnavailable(f"cannot post in channel {channel} ({detail})")
    return TransientPostError(f"Discord did not take the post for channel {channel} ({detail})")


class DiscordPoster:
    """Implements ``bot.posting.Poster`` for Discord channels."""

    platform = "discord"

    def __init__(
        self, token: str | None = None, *, client: discord.Client | None = None, db: Database | None = None
    ) -> None:
        if token is None and client is None:
            raise ValueError("DiscordPoster needs a bot token or a logged-in client")
        self._token = token
        self._client = client
        self._owns_client = client is None
        self._lock = asyncio.Lock()
        self.db = db

    @classmethod
    def from_settings(cls, settings: Settings, db: Database | None = None) -> DiscordPoster:
        if settings.discord_token is None:
            raise ValueError("DISCORD_TOKEN is not set")
        configure_endpoints(settings)
        return cls(settings.discord_token.get_secret_value(), db=db)

    async def _ready_client(self) -> discord.Client:
        async with self._lock:
            if self._client is None:
                client = discord.Client(**client_options(discord.Intents.none()))
                assert self._token is not None
                try:
                    await client.login(self._token)
                except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
                    await client.close()
                    raise TransientPostError(f"could not log in to Discord: {exc}") from exc
                self._client = client
            return self._client

    async def post(self, channel: str, reply: Reply, idempotency_key: str) -> PostResult:
        client = await self._ready_client()
        try:
            target = client.get_partial_messageable(int(channel))
        except ValueError as exc:
            raise ChannelUnavailable(f"not a Discord channel id: {channel!r}") from exc
        if reply.actions and self.db is not None:
            await asyncio.to_thread(remember_actions, self.db, reply)
        payloads = to_discord(reply.model_copy(update={"ephemeral": False}))
        first_id: str | None = None
        for part, payload in enumerate(payloads):
            kwargs: dict[str, Any] = send_kwargs(payload)
            if "view" in kwargs and self.db is None:
                del kwargs["view"]  # without the store, a button could not find its command
            try:
                message = await target.send(nonce=nonce_for(idempotency_key, part), **kwargs)
            except discord.HTTPException as exc:
                raise _post_error(channel, exc) from exc
            except discord.RateLimited as exc:
                raise TransientPostError(f"rate limited for {exc.retry_after:.0f}s") from exc
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                raise TransientPostError(f"network error posting to Discord: {exc}") from exc
            if first_id is None:
                first_id = str(message.id)
        assert first_id is not None
        log.info("posted %s to discord channel %s as %s", idempotency_key, channel, first_id)
        return PostResult(first_id)

    async def find_posted(self, channel: str, idempotency_key: str) -> str | None:
        """Discord cannot look a message up by nonce; the nonce makes a repeat harmless instead."""
        return None

    async def close(self) -> None:
        if self._owns_client and self._client is not None:
            await self._client.close()
            self._client = None
