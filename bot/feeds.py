"""Scheduled feed polling: every feed in ``EVBOT_FEEDS`` is fetched every N minutes (default 30).

Polling runs in a worker thread so the adapters' event loop never waits on the network or the
extractor. Entries already stored (by canonical URL) are not fetched again, so a poll of an
unchanged feed costs one request per feed. One failing feed is logged and the others still run.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.settings import Settings
from knowledge.db import Database
from knowledge.extract.base import Extractor
from knowledge.fetch import ingest_feed
from knowledge.ingest import IngestResult

log = logging.getLogger("evbot.feeds")

DEFAULT_POLL_MINUTES = 30.0


def feed_urls(settings: Settings) -> list[str]:
    return [url.strip() for url in settings.feeds.split(",") if url.strip()]


def poll_minutes(settings: Settings) -> float:
    """``EVBOT_FEED_POLL_MINUTES`` (default 30), never more often than once a minute."""
    return max(settings.feed_poll_minutes, 1.0)


def poll_once(db: Database, feeds: list[str], extractor: Extractor, max_bytes: int) -> list[IngestResult]:
    """Ingest every feed once; returns all entry results."""
    results: list[IngestResult] = []
    for url in feeds:
        try:
            feed_results = ingest_feed(db, url, extractor, max_bytes)
        except Exception:  # one broken feed must not stop the others
            log.exception("feed %s failed", url)
            continue
        new = sum(1 for r in feed_results if r.outcome == "new")
        for result in feed_results:
            if result.outcome == "rejected":
                log.warning("feed %s: rejected %s: %s", url, result.origin, result.reason)
        log.info("feed %s: %d new of %d entries", url, new, len(feed_results))
        results.extend(feed_results)
    return results


async def serve(core: Any, settings: Any) -> None:
    """Background service started by ``evbot run`` beside the chat adapters."""
    feeds = feed_urls(settings)
    if not feeds:
        return
    from knowledge.extract.select import default_extractor

    extractor = default_extractor(settings)
    interval = poll_minutes(settings) * 60
    log.info("polling %d feed(s) every %g minutes", len(feeds), interval / 60)
    while True:
        await asyncio.to_thread(poll_once, core.db, feeds, extractor, int(settings.max_article_bytes))
        await asyncio.sleep(interval)
