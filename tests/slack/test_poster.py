"""``SlackPoster`` against the local fake Web API: retries, idempotency, unavailable channels, uploads."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.slack.poster import SlackPoster
from bot.posting import ChannelUnavailable, Poster, TransientPostError
from bot.reply import Citation, Item, Reply, Section
from bot.settings import Settings
from tests.slack.fakes import CHANNEL, FakeSlack, Scripted

REPLY = Reply(
    title="Daily EV digest <!channel>",
    sections=[Section(title="News", bullets=[Item(text="Xpeng ships & grows", citations=[1])])],
    citations=[Citation(n=1, publisher="Reuters", published="2026-11-24", url="https://example.com/a")],
)


@pytest.fixture
def poster(slack_settings: Settings) -> SlackPoster:
    return SlackPoster.from_settings(slack_settings)


def test_is_a_poster(poster: SlackPoster) -> None:
    checked: Poster = poster
    assert checked.platform == "slack"


async def test_post_sends_blocks_and_metadata(poster: SlackPoster, fake_slack: FakeSlack) -> None:
    result = await poster.post(CHANNEL, REPLY, "digest:slack:C0CHAN:2026-11-25")
    (sent,) = fake_slack.posted
    assert result.message_id == sent["ts"]
    assert sent["channel"] == CHANNEL
    assert sent["metadata"] == {
        "event_type": "evbot_post",
        "event_payload": {"key": "digest:slack:C0CHAN:2026-11-25"},
    }
    assert sent["blocks"][0]["type"] == "header" and "&lt;!channel&gt;" in sent["blocks"][0]["text"]["text"]
    assert sent["text"] and "<!channel>" not in sent["text"]
    assert sent["_auth"] == "Bearer xoxb-test-token"


async def test_same_key_posts_once(poster: SlackPoster, fake_slack: FakeSlack) -> None:
    first = await poster.post(CHANNEL, REPLY, "k1")
    again = await poster.post(CHANNEL, REPLY, "k1")
    other = await poster.post(CHANNEL, REPLY, "k2")
    assert first == again and other != first
    assert len(fake_slack.posted) == 2
    assert await poster.find_posted(CHANNEL, "k1") == first.message_id
    assert await poster.find_posted(CHANNEL, "missing") is None
    assert fake_slack.calls["conversations.history"][0]["include_all_metadata"] in (True, "true", "1")


async def test_rate_limit_is_retried_after_retry_after(poster: SlackPoster, fake_slack: FakeSlack) -> None:
    fake_slack.script["chat.postMessage"].append(
        Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    )
    result = await poster.post(CHANNEL, REPLY, "k-rate")
    assert len(fake_slack.calls["chat.postMessage"]) == 2
    assert len(fake_slack.posted) == 1 and result.message_id == fake_slack.posted[0]["ts"]


async def test_server_error_is_retried(poster: SlackPoster, fake_slack: FakeSlack) -> None:
    fake_slack.script["chat.postMessage"].append(Scripted(500, {"ok": False, "error": "internal_error"}))
    await poster.post(CHANNEL, REPLY, "k-500")
    assert len(fake_slack.calls["chat.postMessage"]) == 2
    assert len(fake_slack.posted) == 1


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived", "restricted_action"])
async def test_unusable_channel_raises_channel_unavailable(
    poster: SlackPoster, fake_slack: FakeSlack, error: str
) -> None:
    fake_slack.script["chat.postMessage"].append(Scripted(200, {"ok": False, "error": error}))
    with pytest.raises(ChannelUnavailable, match=error):
        await poster.post(CHANNEL, REPLY, "k-gone")
    assert fake_slack.posted == []


async def test_history_of_a_missing_channel_is_unavailable(
    poster: SlackPoster, fake_slack: FakeSlack
) -> None:
    fake_slack.script["conversations.history"].append(
        Scripted(200, {"ok": False, "error": "channel_not_found"})
    )
    with pytest.raises(ChannelUnavailable):
        await poster.post(CHANNEL, REPLY, "k-gone")


async def test_other_failures_are_transient(poster: SlackPoster, fake_slack: FakeSlack) -> None:
    fake_slack.script["chat.postMessage"].append(Scripted(200, {"ok": False, "error": "fatal_error"}))
    with pytest.raises(TransientPostError):
        await poster.post(CHANNEL, REPLY, "k-fatal")
    fake_slack.script["chat.postMessage"].extend(Scripted(503, {"ok": False}) for _ in range(3))
    with pytest.raises(TransientPostError):
        await poster.post(CHANNEL, REPLY, "k-503")
    assert fake_slack.posted == []


async def test_unreadable_history_posts_anyway(poster: SlackPoster, fake_slack: FakeSlack) -> None:
    fake_slack.script["conversations.history"].append(Scripted(200, {"ok": False, "error": "missing_scope"}))
    await poster.post(CHANNEL, REPLY, "k-scope")
    assert len(fake_slack.posted) == 1


async def test_upload_image(poster: SlackPoster, fake_slack: FakeSlack, tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\nfake"
    assert await poster.upload_image(CHANNEL, png, "Deliveries") == "F0FILE"
    path = tmp_path / "chart.png"
    path.write_bytes(png)
    assert await poster.upload_image(CHANNEL, path, "Deliveries") == "F0FILE"
    assert fake_slack.uploads == [png, png]
    (complete, _) = fake_slack.calls["files.completeUploadExternal"]
    assert complete["channel_id"] == CHANNEL
