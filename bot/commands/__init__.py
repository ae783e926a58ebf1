"""Command modules; importing one registers its commands."""

from bot.commands import ask, brief, compare, help, search, sources, topic  # noqa: F401
from bot.commands import admin, confirm, conflicts, entity, fact, ingest_cmd, review  # noqa: F401
from bot.commands import digest, subscribe  # noqa: F401
