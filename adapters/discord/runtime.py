"""The Discord runtime: a discord.py client whose ``/ev`` commands and buttons run through the core.

``serve(core, settings)`` logs in, syncs the command tree when it changed, connects to the
gateway and runs until cancelled. Only one replica should hold the gateway per shard (every
session receives every event): pass ``gate`` (e.g. a database leader lease) and ``serve`` waits
for it before connecting. Posting scheduled messages needs no gateway: see ``poster.py``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.commands import (
    ADMIN_COMMANDS,
    DEFER_ALWAYS,
    build_ev_group,
    command_name,
    needs_admin,
    principal_for,
)
from adapters.discord.render import ACTION_KEY_LEN, ACTION_PREFIX, clip, to_discord
from adapters.discord.state import action_command, remember_actions
from adapters.discord.sync import sync_commands
from bot.commands.registry import visible_commands
from bot.context import CommandRequest
from bot.core import Core
from bot.policy import CHANNEL_MANAGER, PLATFORM_ADMIN
from bot.reply import Reply, Section
from bot.settings import Settings

log = logging.getLogger("evbot.discord")

QUICK_BUDGET = 2.0  # seconds a command may take before we acknowledge it (Discord allows 3)
CHOICES_MAX = 25
Gate = Callable[[], Awaitable[None]]

_API_VERSION = re.compile(r"/api/v\d+/?$")


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at other REST and gateway endpoints (a proxy, or a local fake in tests).

    ``EVBOT_DISCORD_API_URL`` may be given with or without ``/api/v10``. A plain client connects
    to the gateway URL directly; a sharded one asks REST ``/gateway/bot`` for it.
    """
    if settings.discord_api_url:
        base = settings.discord_api_url.rstrip("/")
        Route.BASE = base if _API_VERSION.search(base + "/") else f"{base}/api/v10"
    if settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def client_options(intents: discord.Intents | None = None) -> dict[str, Any]:
    """Options every evbot client uses: no mention can ever ping, long rate limits become errors."""
    return {
        "intents": intents or discord.Intents.default(),
        "allowed_mentions": discord.AllowedMentions.none(),
        "max_ratelimit_timeout": 60.0,
    }


def send_kwargs(payload: dict[str, Any]) -> dict[str, Any]:
    """A rendered payload as keyword arguments for discord.py's send methods."""
    kwargs: dict[str, Any] = {
        "embeds": [discord.Embed.from_dict(embed) for embed in payload.get("embeds", [])],
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    if payload.get("content"):
        kwargs["content"] = payload["content"]
    if payload.get("components"):
        kwargs["view"] = view_for(payload["components"])
    return kwargs


def view_for(components: list[dict[str, Any]]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for row_index, row in enumerate(components):
        for button in row["components"]:
            key = str(button["custom_id"]).removeprefix(ACTION_PREFIX)
            style = discord.ButtonStyle(int(button.get("style", 2)))
            view.add_item(
                ActionButton(key, label=str(button.get("label", "Run")), style=style, row=row_index)
            )
    return view


class ActionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=ACTION_PREFIX + r"(?P<key>[0-9a-f]{" + str(ACTION_KEY_LEN) + "})",
):
    """A reply's action: the ``custom_id`` carries a key to the command stored in the ``kv`` table,
    so a click works on any replica and after a restart."""

    def __init__(
        self,
        key: str,
        *,
        label: str = "Run",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        row: int | None = None,
    ) -> None:
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=ACTION_PREFIX + key, row=row))
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ActionButton:
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = getattr(interaction.client, "evbot", None)
        if isinstance(bot, DiscordBot):
            await bot.run_action(interaction, self.key)


class _Hooks:
    """Mixed into the client classes: runs the bot's setup after login, before the gateway."""

    evbot: DiscordBot

    async def setup_hook(self) -> None:
        await self.evbot.setup()


class EvClient(_Hooks, discord.Client):
    pass


class EvShardedClient(_Hooks, discord.AutoShardedClient):
    pass


class DiscordBot:
    """The client, its command tree and the glue to the core."""

    def __init__(self, core: Core, settings: Settings, *, sync_on_start: bool = True) -> None:
        self.core = core
        self.settings = settings
        self.sync_on_start = sync_on_start
        client_cls = EvShardedClient if settings.discord_sharded else EvClient
        self.client: discord.Client = client_cls(**client_options())
        self.client.evbot = self
        self.tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(self.client)
        self.tree.add_command(build_ev_group(self))
        self.tree.error(self.on_tree_error)

    async def setup(self) -> None:
        self.client.add_dynamic_items(ActionButton)
        if not self.sync_on_start:
            return
        try:
            await sync_commands(self.tree, self.core.db)
        except Exception:  # a failed sync must not keep the bot from answering
            log.exception("could not sync the command tree; the previous commands stay in place")

    async def start(self, gate: Gate | None = None) -> None:
        token = self.settings.discord_token.get_secret_value() if self.settings.discord_token else ""
        if not token:
            raise RuntimeError("DISCORD_TOKEN is not set")
        if gate is not None:
            await gate()
        async with self.client:
            await self.client.start(token)

    # -- requests ---------------------------------------------------------------------------------

    def roles_for(self, interaction: discord.Interaction) -> frozenset[str]:
        if interaction.guild_id is None:
            return frozenset()
        roles: set[str] = set()
        permissions = interaction.permissions
        if permissions.administrator or permissions.manage_guild or self._has_admin_role(interaction):
            roles.add(PLATFORM_ADMIN)
        if permissions.administrator or permissions.manage_channels:
            roles.add(CHANNEL_MANAGER)
        return frozenset(roles)

    def _has_admin_role(self, interaction: discord.Interaction) -> bool:
        wanted = (self.settings.discord_admin_role or "").strip().lower()
        user = interaction.user
        if not wanted or not isinstance(user, discord.Member):
            return False
        return any(role.name.lower() == wanted for role in user.roles)

    def request_for(self, interaction: discord.Interaction, text: str) -> CommandRequest:
        guild = str(interaction.guild_id) if interaction.guild_id is not None else "dm"
        return CommandRequest(
            text=text,
            principal=principal_for(interaction.guild_id, interaction.user.id),
            platform="discord",
            workspace=guild,
            channel=str(interaction.channel_id) if interaction.channel_id is not None else None,
            roles=self.roles_for(interaction),
            display_name=interaction.user.display_name,
        )

    async def admin_refusal(self, request: CommandRequest, name: str) -> Reply | None:
        """An early refusal for admin commands, in Discord's terms; the core's policy decides and
        records it (and checks again when the command runs)."""
        refused = await asyncio.to_thread(self.core.check, request, "admin")
        if refused is None:
            return None
        ways = ["the Manage Server permission"]
        if self.settings.discord_admin_role:
            ways.append(f"the “{self.settings.discord_admin_role}” role")
        text = (
            f"`/ev {name}` changes the knowledge base, so only evbot admins may use it. "
            f"You need {' or '.join(ways)} in this server, or an admin can add you with "
            f"`/ev admin add` (your id is {request.principal})."
        )
        return Reply(kind="refused", title="Admins only", sections=[Section(text=text)], ephemeral=True)

    # -- running --------------------------------------------------------------------------------

    async def execute(self, interaction: discord.Interaction, text: str) -> None:
        """Run one command line for this interaction and answer it, within Discord's 3 s deadline."""
        name = command_name(text)
        request = self.request_for(interaction, text)
        log.info("discord %s: %s", request.principal, text[:200])
        if needs_admin(text):
            refusal = await self.admin_refusal(request, name)
            if refusal is not None:
                await self.answer(interaction, refusal, deferred=None)
                return
        spec = self.core.spec_for(text)
        slow = name in DEFER_ALWAYS or (spec is not None and spec.slow)
        job = asyncio.ensure_future(asyncio.to_thread(self.core.handle, request))
        deferred: bool | None = None  # whether the acknowledgement was ephemeral; None: not deferred
        if not slow:
            await asyncio.wait({job}, timeout=QUICK_BUDGET)
        if not job.done():
            deferred = name in ADMIN_COMMANDS
            await interaction.response.defer(thinking=True, ephemeral=deferred)
        reply = await job
        await self.answer(interaction, reply, deferred)

    async def answer(self, interaction: discord.Interaction, reply: Reply, deferred: bool | None) -> None:
        payloads = to_discord(reply)
        if reply.actions:
            await asyncio.to_thread(remember_actions, self.core.db, reply)
        private = reply.ephemeral
        first, rest = payloads[0], payloads[1:]
        if deferred is None and not interaction.response.is_done():
            await interaction.response.send_message(**send_kwargs(first), ephemeral=private)
        else:
            if deferred is not None and deferred != private:
                # the "thinking…" message has the wrong visibility: replace it by a new follow-up
                await interaction.delete_original_response()
            await interaction.followup.send(**send_kwargs(first), ephemeral=private)
        for payload in rest:
            await interaction.followup.send(**send_kwargs(payload), ephemeral=private)

    async def run_action(self, interaction: discord.Interaction, key: str) -> None:
        """A button was pressed: run its command as the person who pressed it."""
        command = await asyncio.to_thread(action_command, self.core.db, key)
        if command is None:
            expired = Reply(
                kind="not_found",
                title="This button has expired",
                sections=[Section(text="Run the command again to get a fresh one.")],
                ephemeral=True,
            )
            await self.answer(interaction, expired, deferred=None)
            return
        await self.execute(interaction, command)

    async def on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        log.error("slash command failed", exc_info=error)
        reply = Reply(
            kind="error",
            title="Something went wrong",
            sections=[Section(text="The command could not be completed. Please try again.")],
            ephemeral=True,
        )
        try:
            await self.answer(
                interaction, reply, deferred=None if not interaction.response.is_done() else reply.ephemeral
            )
        except discord.HTTPException:
            log.exception("could not report an error to Discord")

    # -- autocomplete ---------------------------------------------------------------------------

    def _company_choices(self, current: str) -> list[app_commands.Choice[str]]:
        companies = sorted(self.core.names.companies(), key=lambda e: e.name_en.lower())
        query = current.strip().lower()
        if query:

            def starts(entity: Any) -> bool:
                names = [
                    entity.id,
                    entity.name_en.lower(),
                    (entity.name_zh or ""),
                    (entity.ticker or "").lower(),
                ]
                return any(n and n.startswith(query) for n in names)

            prefix = [e for e in companies if starts(e)]
            inside = [
                e for e in companies if e not in prefix and (query in e.id or query in e.name_en.lower())
            ]
            fuzzy = [
                e
                for e in self.core.names.suggest(current, limit=CHOICES_MAX)
                if e not in prefix and e not in inside
            ]
            companies = prefix + inside + fuzzy
        return [
            app_commands.Choice(name=clip(f"{e.name_en} ({e.id})", 100), value=e.id[:100])
            for e in companies[:CHOICES_MAX]
        ]

    async def company_choices(self, current: str) -> list[app_commands.Choice[str]]:
        return await asyncio.to_thread(self._company_choices, current)

    async def property_choices(self, current: str) -> list[app_commands.Choice[str]]:
        from knowledge.vocabulary import PROPERTIES

        query = current.strip().lower()
        found = [
            spec
            for spec in PROPERTIES.values()
            if not query or query in spec.id.lower() or query in spec.label.lower()
        ]
        return [
            app_commands.Choice(name=clip(f"{spec.label} ({spec.id})", 100), value=spec.id[:100])
            for spec in found[:CHOICES_MAX]
        ]

    async def command_choices(self, current: str) -> list[app_commands.Choice[str]]:
        query = current.strip().lower()
        names = sorted(spec.name for spec in visible_commands() if spec.name.startswith(query))
        return [app_commands.Choice(name=n, value=n) for n in names[:CHOICES_MAX]]


async def serve(core: Core, settings: Settings, gate: Gate | None = None) -> None:
    """Run the Discord bot until cancelled (``evbot run`` starts it when DISCORD_TOKEN is set)."""
    configure_endpoints(settings)
    await DiscordBot(core, settings).start(gate)
