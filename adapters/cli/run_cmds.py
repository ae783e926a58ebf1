"""``evbot run``, ``chat``, ``ask`` and ``config``."""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
import threading

import click

from adapters.cli.main import cli, settings_of
from adapters.console.chat import chat, console_request, render
from bot.app import build_core
from bot.core import Core
from bot.settings import Settings

log = logging.getLogger("evbot.run")

ERROR_EXIT = {"usage": 2, "not_found": 3, "refused": 4, "error": 1}


@cli.command("ask")
@click.argument("command_text")
@click.option(
    "--user", default="user", show_default=True, help="Console user name (principal console:local:NAME)."
)
@click.option(
    "--channel", default=None, help="Channel the command comes from (for digests and subscriptions)."
)
@click.option("--yes", "confirmed", is_flag=True, help="Confirm a previewed change at once.")
@click.option(
    "--render", "reply_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def ask(
    ctx: click.Context, command_text: str, user: str, channel: str | None, confirmed: bool, reply_format: str
) -> None:
    """Run one command, e.g. evbot ask "/ev compare xpeng li-auto"."""
    core = build_core(settings_of(ctx))
    reply = core.handle(console_request(command_text, user, channel, confirmed))
    click.echo(render(reply_format)(reply), nl=False)
    if reply.is_error:
        sys.exit(ERROR_EXIT.get(reply.kind, 1))


@cli.command("chat")
@click.option("--user", default="user", show_default=True)
@click.option("--channel", default="console", show_default=True)
@click.option(
    "--render", "reply_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def chat_command(ctx: click.Context, user: str, channel: str, reply_format: str) -> None:
    """Chat with the bot in the terminal."""
    chat(build_core(settings_of(ctx)), user, channel, reply_format)


# Each platform module exposes `async def serve(core, settings)`; it is started when configured.
PLATFORMS = {
    "slack": ("adapters.slack.runtime", lambda s: s.slack_http_enabled or s.slack_socket_enabled),
    "discord": ("adapters.discord.leader", lambda s: s.discord_enabled),
}
# Background services beside the adapters: the digest scheduler and the feed poller.
BACKGROUND = ("bot.digest.runtime", "bot.feeds")


@cli.command("run")
@click.option(
    "--user", default="user", show_default=True, help="Console user when no platform is configured."
)
@click.pass_context
def run(ctx: click.Context, user: str) -> None:
    """Start every configured adapter and the background services; with no Slack or Discord
    credentials, the console chat (console channels' digests then print into it)."""
    settings = settings_of(ctx)
    core = build_core(settings)
    enabled = [name for name, (_, is_on) in PLATFORMS.items() if is_on(settings)]
    if not enabled:
        click.echo(
            "No Slack or Discord credentials set: starting the console chat on the local knowledge store."
        )
        threading.Thread(
            target=asyncio.run, args=(_serve(core, settings, []),), name="evbot-background", daemon=True
        ).start()
        chat(core, user, "console")
        return
    click.echo(f"Starting: {', '.join(enabled)}")
    asyncio.run(_serve(core, settings, enabled))


async def _serve(core: Core, settings: Settings, platforms: list[str]) -> None:
    """Run the platforms' and the background services' ``serve`` until one fails or all end."""
    modules = [PLATFORMS[name][0] for name in platforms] + list(BACKGROUND)
    tasks = [
        asyncio.create_task(importlib.import_module(name).serve(core, settings), name=name)
        for name in modules
    ]
    try:
        await asyncio.gather(*tasks)
    except Exception:
        log.exception("a service stopped with an error; shutting down")
        raise
    finally:
        for task in tasks:
            task.cancel()


@cli.command("config")
@click.pass_context
def config(ctx: click.Context) -> None:
    """Print the effective settings, secrets masked."""
    for name, value in settings_of(ctx).masked().items():
        click.echo(f"{name} = {value}")
