"""Command modules; importing one registers its commands."""

from bot.commands import (  # noqa: F401
    admin,
    ask,
    brief,
    companies,
    compare,
    confirm,
    conflicts,
    digest,
    entity,
    fact,
    help,
    ingest_cmd,
    review,
    search,
    sources,
    subscribe,
    topic,
)
