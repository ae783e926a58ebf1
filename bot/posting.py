"""The poster contract: how scheduled messages (the digest) reach a channel on any platform.

A platform adapter implements ``Poster``; the digest scheduler only knows this interface.
``idempotency_key`` identifies one logical message (e.g. ``digest:slack:C123:2026-11-25``): a
poster must make a repeated ``post`` with the same key produce at most one visible message
where the platform allows it (Discord: the nonce; Slack: ``find_posted`` over recent history
with message metadata).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, cast

from bot.reply import Reply


class ChannelUnavailable(Exception):
    """The channel is gone or the bot may not post there: pause, do not retry."""


class TransientPostError(Exception):
    """A failure worth retrying later (rate limit beyond the retry budget, 5xx, network)."""


@dataclass(frozen=True)
class PostResult:
    message_id: str


class Poster(Protocol):
    platform: str

    async def post(self, channel: str, reply: Reply, idempotency_key: str) -> PostResult: ...

    async def find_posted(self, channel: str, idempotency_key: str) -> str | None:
        """The id of a message already posted with this key, if the platform can tell."""
        ...


async def poster_for_workspace(poster: Poster, workspace: str) -> Poster:
    """The poster that posts as the bot installed in ``workspace`` where a platform has one bot per
    workspace (Slack apps installed in several workspaces); otherwise ``poster`` itself.

    A poster opts in with ``async def for_workspace(workspace) -> Poster``; it raises
    ``ChannelUnavailable`` when the bot is not installed there any more.
    """
    choose = getattr(poster, "for_workspace", None)
    return poster if choose is None else cast(Poster, await choose(workspace))


@dataclass
class MemoryPoster:
    """A poster that keeps messages in memory (console deliveries and tests)."""

    platform: str = "console"
    sent: list[tuple[str, str, Reply]] = field(default_factory=list)

    async def post(self, channel: str, reply: Reply, idempotency_key: str) -> PostResult:
        existing = await self.find_posted(channel, idempotency_key)
        if existing is not None:
            return PostResult(existing)
        self.sent.append((channel, idempotency_key, reply))
        return PostResult(f"{self.platform}-{len(self.sent)}")

    async def find_posted(self, channel: str, idempotency_key: str) -> str | None:
        for index, (sent_channel, key, _) in enumerate(self.sent, start=1):
            if sent_channel == channel and key == idempotency_key:
                return f"{self.platform}-{index}"
        return None
