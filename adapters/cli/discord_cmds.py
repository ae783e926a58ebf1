"""``evbot discord sync``: register the ``/ev`` commands with Discord (only when they changed)."""

from __future__ import annotations

import asyncio

import click

from adapters.cli.main import cli, settings_of
from bot.app import build_core
from bot.settings import Settings


@cli.group("discord")
def discord_group() -> None:
    """Discord: slash-command registration."""


@discord_group.command("sync")
@click.option(
    "--guild",
    "guild_id",
    type=int,
    default=None,
    help="Sync to this server only (instant; for testing). Without it, sync globally.",
)
@click.option("--force", is_flag=True, help="Sync even if the command tree is unchanged since the last sync.")
@click.pass_context
def sync(ctx: click.Context, guild_id: int | None, force: bool) -> None:
    """Send the command tree to Discord if it changed since the last sync (Discord limits creates per day)."""
    settings = settings_of(ctx)
    if settings.discord_token is None:
        raise click.UsageError("DISCORD_TOKEN is not set")
    changed = asyncio.run(_sync(settings, guild_id, force))
    where = f"guild {guild_id}" if guild_id is not None else "all servers (global)"
    click.echo(
        f"synced the /ev commands to {where}" if changed else f"commands for {where} already up to date"
    )


async def _sync(settings: Settings, guild_id: int | None, force: bool) -> bool:
    from adapters.discord.runtime import DiscordBot, configure_endpoints
    from adapters.discord.sync import sync_commands

    configure_endpoints(settings)
    core = await asyncio.to_thread(build_core, settings)
    bot = DiscordBot(core, settings, sync_on_start=False)
    assert settings.discord_token is not None
    async with bot.client:
        await bot.client.login(settings.discord_token.get_secret_value())
        return await sync_commands(bot.tree, core.db, guild_id, force)
