"""``evbot chat``: an interactive loop over the core, one command per line."""

from __future__ import annotations

from collections.abc import Callable

from adapters.console.render import to_json, to_text
from bot.context import CommandRequest
from bot.core import Core
from bot.policy import CHANNEL_MANAGER

PROMPT = "ev> "


def console_request(
    text: str, user: str, channel: str | None = None, confirmed: bool = False
) -> CommandRequest:
    return CommandRequest(
        text=text,
        principal=f"console:local:{user}",
        platform="console",
        workspace="local",
        channel=channel,
        # the console's channels live in this terminal: whoever types here manages them (editing
        # facts still needs an admin)
        roles=frozenset({CHANNEL_MANAGER}),
        confirmed=confirmed,
        display_name=user,
    )


def render(reply_format: str) -> Callable[..., str]:
    return to_json if reply_format == "json" else to_text


def chat(
    core: Core,
    user: str,
    channel: str | None,
    reply_format: str = "text",
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
) -> None:
    write(f"evbot console — you are console:local:{user}. Type /ev help, or quit to leave.")
    renderer = render(reply_format)
    while True:
        try:
            line = read(PROMPT).strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if not line:
            continue
        if line.lower() in ("quit", "exit", ":q"):
            return
        write(renderer(core.handle(console_request(line, user, channel))))
