"""Run the Discord gateway on one replica at a time.

Every gateway session receives every interaction, so with several ``evbot run`` processes only
the holder of the ``discord-gateway`` lease (a row in the shared database) connects. If the holder
dies, its lease expires and another replica takes over; if a holder loses its lease (its database
stalled past the TTL), it disconnects and queues for the lease again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket

from adapters.discord import runtime
from bot.core import Core
from bot.leases import hold_leadership
from bot.settings import Settings

log = logging.getLogger("evbot.discord.leader")

LEASE_NAME = "discord-gateway"
LEASE_TTL_SECONDS = 30.0


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def serve(
    core: Core, settings: Settings, ttl: float = LEASE_TTL_SECONDS, holder: str | None = None
) -> None:
    """``evbot run``'s Discord entry point: hold the lease, run the gateway, repeat if it is lost."""
    holder = holder or holder_name()
    while True:
        async with hold_leadership(core.db, LEASE_NAME, holder, ttl) as lease:
            log.info("%s holds the Discord gateway", holder)
            gateway = asyncio.create_task(runtime.serve(core, settings), name="discord-gateway")
            lost = asyncio.create_task(lease.lost.wait(), name="discord-lease-lost")
            done, _ = await asyncio.wait({gateway, lost}, return_when=asyncio.FIRST_COMPLETED)
            if gateway in done:
                lost.cancel()
                gateway.result()  # the gateway ended by itself: surface its error, or stop
                return
            log.warning("%s lost the Discord gateway lease; disconnecting", holder)
            gateway.cancel()
            await asyncio.gather(gateway, return_exceptions=True)
