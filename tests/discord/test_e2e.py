"""The real discord.py client against the local fake: commands, autocomplete, admin checks, buttons."""

from __future__ import annotations

from tests.discord.fake import FakeDiscord, slash


async def test_compare_defers_then_follows_up_with_a_cited_embed(running: FakeDiscord) -> None:
    fake = running
    event = slash(["compare"], {"company1": "xpeng", "company2": "li-auto"})
    await fake.dispatch("INTERACTION_CREATE", event)
    callbacks = await fake.wait_for("POST", rf"^/interactions/{event['id']}/")
    assert callbacks[0].json["type"] == 5  # deferred, "evbot is thinking…"
    followups = await fake.wait_for("POST", rf"^/webhooks/\d+/{event['token']}$")
    embed = followups[0].json["embeds"][0]
    assert embed["title"] == "Compare: Xpeng vs Li Auto"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "He Xiaopeng [1]" in fields["Xpeng"]
    assert "Li Xiang [1]" in fields["Li Auto"]
    assert fields["Sources"].startswith("[1] [KrASIA")
    assert "](<https://kr-asia.com/" in fields["Sources"]
    assert followups[0].json["allowed_mentions"] == {"parse": []}
