"""The command table: each command module registers its handler with ``@command``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.context import Context
    from bot.reply import Reply

Handler = Callable[["Context", list[str]], "Reply"]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    usage: str
    summary: str
    handler: Handler
    min_args: int = 0
    max_args: int | None = None
    permission: str | None = None  # required for the whole command (subcommands may check more)
    slow: bool = False  # adapters should acknowledge first and answer later
    hidden: bool = False
    examples: tuple[str, ...] = ()
    cacheable: bool = False  # the answer depends only on the arguments and the store (bot/answers.py)


REGISTRY: dict[str, CommandSpec] = {}


def command(
    name: str,
    usage: str,
    summary: str,
    *,
    min_args: int = 0,
    max_args: int | None = None,
    permission: str | None = None,
    slow: bool = False,
    hidden: bool = False,
    examples: tuple[str, ...] = (),
    aliases: tuple[str, ...] = (),
    cacheable: bool = False,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        spec = CommandSpec(
            name, usage, summary, handler, min_args, max_args, permission, slow, hidden, examples, cacheable
        )
        for key in (name, *aliases):
            if key in REGISTRY:
                raise RuntimeError(f"command {key!r} registered twice")
            REGISTRY[key] = spec
        return handler

    return register


def visible_commands() -> list[CommandSpec]:
    seen: dict[str, CommandSpec] = {}
    for spec in REGISTRY.values():
        if not spec.hidden:
            seen.setdefault(spec.name, spec)
    return list(seen.values())
