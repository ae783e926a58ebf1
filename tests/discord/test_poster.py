"""``DiscordPoster`` over REST only (no gateway): nonce, 429 retry, channel errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.discord.poster import DiscordPoster, nonce_for
from bot.posting import ChannelUnavailable, Poster, TransientPostError
from bot.reply import Item, Reply, Section
from bot.settings import Settings
from tests.discord.fake import FakeDiscord

CHANNEL = "123456789012345678"
REPLY = Reply(
    title="EV digest — 5 January",
    sections=[Section(title="News", bullets=[Item(text="Nio @everyone", citations=[1])])],
)


@pytest.fixture
async def poster(discord_settings: Settings) -> AsyncIterator[DiscordPoster]:
    made = DiscordPoster.from_settings(discord_settings)
    try:
        yield made
    finally:
        await made.close()


def test_nonce_is_deterministic_and_short() -> None:
    key = "digest:discord:123456789012345678:2026-01-05"
    assert nonce_for(key) == nonce_for(key)
    assert nonce_for(key) != nonce_for(key, 1) != nonce_for(key + "x")
    assert len(nonce_for(key)) <= 25


async def test_post_sends_a_nonce_with_enforce_nonce_and_no_gateway(
    poster: DiscordPoster, fake: FakeDiscord
) -> None:
    contract: Poster = poster  # mypy checks the structural contract
    assert contract.platform == "discord"
    result = await poster.post(CHANNEL, REPLY, "digest:discord:1:2026-01-05")
    body = fake.find("POST", rf"^/channels/{CHANNEL}/messages$")[0].json
    assert body["nonce"] == nonce_for("digest:discord:1:2026-01-05")
    assert body["enforce_nonce"] is True
    assert body["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in str(body["embeds"])
    assert result.message_id.isdigit()
    assert fake.identifies == []  # REST only


async def test_a_rate_limited_post_is_retried_and_arrives_once(
    poster: DiscordPoster, fake: FakeDiscord
) -> None:
    fake.script(
        "POST",
        rf"^/channels/{CHANNEL}/messages$",
        429,
        {"message": "You are being rate limited.", "retry_after": 0.05, "global": False},
        headers={"Via": "1.1 google", "Retry-After": "1", "X-RateLimit-Scope": "user"},
    )
    first = await poster.post(CHANNEL, REPLY, "digest:k1")
    assert len(fake.find("POST", rf"^/channels/{CHANNEL}/messages$")) == 2  # the 429, then the retry
    again = await poster.post(CHANNEL, REPLY, "digest:k1")  # a replica repeats the same delivery
    assert again.message_id == first.message_id
    assert len(fake.channel_posts(CHANNEL)) == 1


async def test_a_429_without_via_is_not_retried(poster: DiscordPoster, fake: FakeDiscord) -> None:
    fake.script("POST", r"/messages$", 429, {"message": "banned", "retry_after": 0.05, "global": False})
    with pytest.raises(TransientPostError):
        await poster.post(CHANNEL, REPLY, "digest:k2")


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (404, 10003, ChannelUnavailable),
        (403, 50001, ChannelUnavailable),
        (403, 50013, ChannelUnavailable),
        (400, 50035, TransientPostError),
    ],
)
async def test_channel_errors(
    poster: DiscordPoster, fake: FakeDiscord, status: int, code: int, expected: type[Exception]
) -> None:
    fake.script("POST", r"/messages$", status, {"message": "nope", "code": code})
    with pytest.raises(expected):
        await poster.post(CHANNEL, REPLY, "digest:k3")


async def test_a_bad_channel_id_is_unavailable(poster: DiscordPoster) -> None:
    with pytest.raises(ChannelUnavailable):
        await poster.post("C0123SLACK", REPLY, "digest:k4")
