"""``serve(core, settings)``: the digest scheduler beside the platform adapters (``evbot run``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from bot.digest.scheduler import DigestScheduler
from bot.posting import Poster
from bot.settings import Settings

log = logging.getLogger("evbot.digest.runtime")


async def serve(core: Any, settings: Settings, posters: Mapping[str, Poster] | None = None,
                stop: asyncio.Event | None = None) -> None:  # fmt: skip
    """Run the scheduler until cancelled (or ``stop`` is set).

    ``posters`` maps platform → poster; by default ``adapters.posters.build_posters`` makes them
    for the configured platforms (imported lazily so ``bot`` never imports a platform SDK).
    """
    if posters is None:
        from adapters.posters import build_posters

        posters = build_posters(settings, core.db)
    if not posters:
        log.warning("no poster is configured: digests will not be delivered")
        return
    scheduler = DigestScheduler(core.db, posters, clock=core.clock)
    await scheduler.run(stop)
