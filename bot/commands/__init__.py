"""Command modules; importing one registers its commands."""

from bot.commands import brief, compare, help, sources  # noqa: F401
