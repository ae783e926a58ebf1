"""``/ev ingest <url>`` (admins): fetch one article and extract its facts.

Delegates to ``knowledge.fetch.ingest_url(db, url, extractor)`` when that module provides it;
otherwise it says that URL ingestion is not available. The admin check always comes first.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from bot.commands.registry import command
from bot.context import Context
from bot.grammar import UsageError
from bot.reply import Reply, Section

USAGE = "/ev ingest <url>   e.g. /ev ingest https://example.com/ev-news/article"
log = logging.getLogger("evbot.ingest")


def load_ingest_url() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("knowledge.fetch")
    except ImportError:
        return None
    found = getattr(module, "ingest_url", None)
    return found if callable(found) else None


@command(
    "ingest",
    USAGE,
    "Fetch an article by URL and extract its facts (admins)",
    min_args=1,
    max_args=1,
    permission="admin",
    slow=True,
    examples=("/ev ingest https://example.com/ev-news/article",),
)
def ingest_command(ctx: Context, args: list[str]) -> Reply:
    url = args[0].strip()
    if not url.lower().startswith(("http://", "https://")):
        raise UsageError(f"“{url}” is not a web address (it must start with http:// or https://).", USAGE)
    ingest_url = load_ingest_url()
    if ingest_url is None:
        return Reply(kind="error", title="URL ingestion is not available",
                     sections=[Section(text="This installation cannot fetch articles by URL yet. "
                                       "Save the article as a file and run `evbot ingest <file>` instead.")],
                     ephemeral=True)  # fmt: skip
    from knowledge.extract.select import default_extractor

    result = ingest_url(ctx.db, url, default_extractor(ctx.settings))
    outcome = str(getattr(result, "outcome", "done"))
    reason = getattr(result, "reason", None)
    if outcome == "rejected":
        return Reply(
            kind="error",
            title="Not ingested",
            sections=[Section(text=f"{url}: {reason or 'rejected'}")],
            ephemeral=True,
        )
    claims = getattr(result, "claims_added", None)
    text = f"{url}: {outcome}"
    if claims is not None:
        text += f", {claims} new claim(s)"
    if reason:
        text += f" ({reason})"
    log.info("ingested %s for %s: %s", url, ctx.principal, outcome)
    return Reply(title="Ingested", sections=[Section(text=text)])
