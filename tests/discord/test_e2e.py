"""The real discord.py client (through ``serve``) against the local fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from adapters.discord.render import ACTION_PREFIX
from adapters.discord.runtime import serve
from bot.commands.registry import REGISTRY, CommandSpec
from bot.context import Context
from bot.core import Core
from bot.policy import PLATFORM_ADMIN
from bot.reply import Action, Reply, Section
from bot.settings import Settings
from knowledge.schema import Audit
from tests.discord.fake import GUILD_ID, MANAGE_GUILD, FakeDiscord, button, slash


def callback_of(fake: FakeDiscord, event: dict[str, Any]) -> list[Any]:
    return fake.find("POST", rf"^/interactions/{event['id']}/")


async def test_compare_defers_then_follows_up_with_a_cited_embed(running: FakeDiscord) -> None:
    fake = running
    event = slash(["compare"], {"company1": "xpeng", "company2": "li-auto"})
    await fake.dispatch("INTERACTION_CREATE", event)
    callbacks = await fake.wait_for("POST", rf"^/interactions/{event['id']}/")
    assert callbacks[0].json["type"] == 5  # deferred: "evbot is thinking…"
    assert not callbacks[0].json.get("data", {}).get("flags")  # a public answer
    followups = await fake.wait_for("POST", rf"^/webhooks/\d+/{event['token']}$")
    body = followups[0].json
    embed = body["embeds"][0]
    assert embed["title"] == "Compare: Xpeng vs Li Auto"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "He Xiaopeng [1]" in fields["Xpeng"]
    assert "Li Xiang [1]" in fields["Li Auto"]
    assert fields["Sources"].startswith("[1] [KrASIA")
    assert "](<https://kr-asia.com/" in fields["Sources"]
    assert body["allowed_mentions"] == {"parse": []}
    assert not body.get("flags")


async def test_autocomplete_suggests_matching_companies(running: FakeDiscord) -> None:
    fake = running
    event = slash(["compare"], {"company1": "xp", "company2": ""}, focused="company1")
    await fake.dispatch("INTERACTION_CREATE", event)
    callbacks = await fake.wait_for("POST", rf"^/interactions/{event['id']}/")
    assert callbacks[0].json["type"] == 8
    choices = callbacks[0].json["data"]["choices"]
    assert choices[0] == {"name": "Xpeng (xpeng)", "value": "xpeng"}
    assert 1 <= len(choices) <= 25

    empty = slash(["brief"], {"company": ""}, focused="company")
    await fake.dispatch("INTERACTION_CREATE", empty)
    listed = (await fake.wait_for("POST", rf"^/interactions/{empty['id']}/"))[0].json["data"]["choices"]
    assert 1 <= len(listed) <= 25  # Discord accepts at most 25 choices
    names = [choice["name"].lower() for choice in listed]
    assert names == sorted(names)


async def test_help_is_answered_at_once_and_privately(running: FakeDiscord) -> None:
    fake = running
    event = slash(["help"], {})
    await fake.dispatch("INTERACTION_CREATE", event)
    callback = (await fake.wait_for("POST", rf"^/interactions/{event['id']}/"))[0].json
    assert callback["type"] == 4
    assert callback["data"]["flags"] == 64
    assert "compare" in callback["data"]["embeds"][0]["description"]


async def test_an_error_after_a_public_defer_is_shown_privately(running: FakeDiscord) -> None:
    fake = running
    event = slash(["brief"], {"company": "no-such-carmaker"})
    await fake.dispatch("INTERACTION_CREATE", event)
    followup = (await fake.wait_for("POST", rf"^/webhooks/\d+/{event['token']}$"))[0].json
    assert callback_of(fake, event)[0].json["type"] == 5
    assert fake.find("DELETE", rf"^/webhooks/\d+/{event['token']}/messages/@original$")
    assert followup["flags"] == 64
    assert followup["embeds"][0]["title"] == "Unknown company"


@pytest.fixture
def fact_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, list[str], frozenset[str]]]]:
    """A stand-in ``fact`` command: records its calls, previews ``set`` with a confirm button."""
    calls: list[tuple[str, list[str], frozenset[str]]] = []

    def handler(ctx: Context, args: list[str]) -> Reply:
        calls.append((ctx.principal, args, ctx.request.roles))
        ctx.require("admin")
        if args[:1] == ["set"]:
            return Reply(
                kind="confirm",
                title="Preview: set a fact",
                sections=[Section(text=" ".join(args))],
                actions=[Action(label="Confirm", command="fact confirm p-42", style="primary")],
                ephemeral=True,
            )
        return Reply(title="Fact changed", sections=[Section(text=" ".join(args))], ephemeral=True)

    monkeypatch.setitem(REGISTRY, "fact", CommandSpec("fact", "/ev fact set …", "Change facts", handler))
    yield calls


async def test_fact_set_is_refused_to_a_non_admin_privately(
    running: FakeDiscord, fact_handler: list[Any], core: Core
) -> None:
    fake = running
    event = slash(["fact", "set"], {"company": "xpeng", "property": "ceo", "value": "Someone @everyone"})
    await fake.dispatch("INTERACTION_CREATE", event)
    callback = (await fake.wait_for("POST", rf"^/interactions/{event['id']}/"))[0].json
    assert callback["type"] == 4
    assert callback["data"]["flags"] == 64
    embed = callback["data"]["embeds"][0]
    assert embed["title"] == "Admins only"
    assert "Manage Server" in embed["description"]
    assert fact_handler == []  # the core never ran it
    with core.db.session() as session:  # but the refusal is on the record
        refusals = session.scalars(select(Audit).where(Audit.action == "refused")).all()
    assert [(r.actor, r.after["permission"]) for r in refusals] == [
        (f"discord:{GUILD_ID}:{event['member']['user']['id']}", "admin")
    ]


async def test_fact_set_by_an_admin_reaches_the_core_and_its_button_confirms(
    running: FakeDiscord, fact_handler: list[Any]
) -> None:
    fake = running
    event = slash(
        ["fact", "set"],
        {"company": "xpeng", "property": "ceo", "value": "He Xiaopeng"},
        user_id=5002,
        permissions=MANAGE_GUILD,
    )
    await fake.dispatch("INTERACTION_CREATE", event)
    callback = (await fake.wait_for("POST", rf"^/interactions/{event['id']}/"))[0].json
    principal, args, roles = fact_handler[0]
    assert principal == f"discord:{GUILD_ID}:5002"
    assert args == ["set", "xpeng", "ceo", "He Xiaopeng"]
    assert PLATFORM_ADMIN in roles
    assert callback["data"]["flags"] == 64
    buttons = callback["data"]["components"][0]["components"]
    assert buttons[0]["label"] == "Confirm" and buttons[0]["custom_id"].startswith(ACTION_PREFIX)

    # someone without Manage Server presses the button: refused before the core
    stranger = button(buttons[0]["custom_id"], user_id=5003)
    await fake.dispatch("INTERACTION_CREATE", stranger)
    refused = (await fake.wait_for("POST", rf"^/interactions/{stranger['id']}/"))[0].json
    assert refused["data"]["embeds"][0]["title"] == "Admins only"
    assert len(fact_handler) == 1

    # the admin presses it: the stored command runs as the presser
    click = button(buttons[0]["custom_id"], user_id=5002, permissions=MANAGE_GUILD)
    await fake.dispatch("INTERACTION_CREATE", click)
    done = (await fake.wait_for("POST", rf"^/interactions/{click['id']}/"))[0].json
    assert done["data"]["embeds"][0]["title"] == "Fact changed"
    assert fact_handler[1][:2] == (f"discord:{GUILD_ID}:5002", ["confirm", "p-42"])


async def test_a_configured_admin_principal_may_use_admin_commands(
    core: Core,
    discord_settings: Settings,
    fake: FakeDiscord,
    fact_handler: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        core, "settings", core.settings.model_copy(update={"admins": f"discord:{GUILD_ID}:5010"})
    )
    task = asyncio.create_task(serve(core, discord_settings))
    try:
        await fake.wait_identified()
        event = slash(["fact", "history"], {"company": "xpeng"}, user_id=5010)
        await fake.dispatch("INTERACTION_CREATE", event)
        callback = (await fake.wait_for("POST", rf"^/interactions/{event['id']}/"))[0].json
        assert callback["data"]["embeds"][0]["title"] == "Fact changed"
        assert fact_handler[0][1] == ["history", "xpeng"]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_startup_syncs_commands_once_and_not_again_when_unchanged(
    core: Core, discord_settings: Settings, fake: FakeDiscord
) -> None:
    for run in range(2):
        gate_opened = asyncio.Event()

        async def gate(opened: asyncio.Event = gate_opened) -> None:
            opened.set()

        task = asyncio.create_task(serve(core, discord_settings, gate=gate))
        try:
            await fake.wait_for("GET", r"^/users/@me$", count=run + 1)
            assert gate_opened.is_set()
            await asyncio.sleep(0.05)
            while len(fake.identifies) < run + 1:
                await asyncio.sleep(0.01)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        puts = fake.find("PUT", r"^/applications/\d+/commands$")
        assert len(puts) == 1, f"run {run}: {len(puts)} command syncs"
    names = [command["name"] for command in puts[0].json_list]
    assert names == ["ev"]
    subcommands = {option["name"] for option in puts[0].json_list[0]["options"]}
    assert {"compare", "brief", "sources", "help", "fact", "admin", "search", "digest"} <= subcommands


async def test_gate_is_awaited_before_connecting(
    core: Core, discord_settings: Settings, fake: FakeDiscord
) -> None:
    release = asyncio.Event()

    async def gate() -> None:
        await release.wait()

    task = asyncio.create_task(serve(core, discord_settings, gate=gate))
    try:
        await asyncio.sleep(0.2)
        assert fake.requests == [] and fake.identifies == []
        release.set()
        await fake.wait_identified()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_sharded_client_asks_rest_for_the_gateway(
    core: Core, discord_settings: Settings, fake: FakeDiscord
) -> None:
    settings = discord_settings.model_copy(update={"discord_sharded": True})
    task = asyncio.create_task(serve(core, settings))
    try:
        await fake.wait_identified()
        assert fake.find("GET", r"^/gateway/bot$")
        assert fake.identifies[0]["shard"] == [0, 1]
        event = slash(["compare"], {"company1": "nio", "company2": "xpeng"})
        await fake.dispatch("INTERACTION_CREATE", event)
        followup = (await fake.wait_for("POST", rf"^/webhooks/\d+/{event['token']}$"))[0].json
        assert followup["embeds"][0]["title"] == "Compare: Nio vs Xpeng"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
