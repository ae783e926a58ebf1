"""Posters for the digest, one per configured platform (SDK imports stay inside this factory)."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.posting import Poster, PostResult
from bot.reply import Reply
from bot.settings import Settings
from bot.text import to_text
from knowledge.db import Database

log = logging.getLogger("evbot.posters")


@dataclass
class ConsolePoster:
    """Prints a digest to the terminal; remembers the keys it printed in this process."""

    platform: str = "console"
    write: Callable[[str], Any] = field(default=lambda text: print(text, end="", file=sys.stdout, flush=True))
    posted: dict[tuple[str, str], str] = field(default_factory=dict)

    async def post(self, channel: str, reply: Reply, idempotency_key: str) -> PostResult:
        existing = self.posted.get((channel, idempotency_key))
        if existing is not None:
            return PostResult(existing)
        self.write(f"── #{channel} ──\n{to_text(reply)}")
        message_id = f"console-{len(self.posted) + 1}"
        self.posted[(channel, idempotency_key)] = message_id
        return PostResult(message_id)

    async def find_posted(self, channel: str, idempotency_key: str) -> str | None:
        return self.posted.get((channel, idempotency_key))


def _construct(module_name: str, class_name: str, settings: Settings, **extra: Any) -> Poster | None:
    """``module.Class.from_settings(settings, **extra)``, imported only now; None when unavailable."""
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
        poster: Poster = cls.from_settings(settings, **extra)
    except (ImportError, AttributeError, ValueError) as exc:
        log.error("%s.%s is not available (%s): digests for that platform are not delivered",
                  module_name, class_name, exc)  # fmt: skip
        return None
    return poster


def build_posters(settings: Settings, db: Database | None = None) -> dict[str, Poster]:
    """``platform → poster`` for the console and every platform with credentials."""
    posters: dict[str, Poster] = {"console": ConsolePoster()}
    if settings.slack_client_id and settings.slack_client_secret is not None and db is not None:
        # installed in several workspaces: post as each workspace's own bot
        slack = _construct("adapters.slack.poster", "InstalledSlackPosters", settings, db=db)
        if slack is not None:
            posters["slack"] = slack
    elif settings.slack_bot_token is not None:
        slack = _construct("adapters.slack.poster", "SlackPoster", settings)
        if slack is not None:
            posters["slack"] = slack
    if settings.discord_token is not None:
        discord = _construct("adapters.discord.poster", "DiscordPoster", settings, db=db)
        if discord is not None:
            posters["discord"] = discord
    return posters
