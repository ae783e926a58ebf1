"""Fixtures: the fake Discord, settings pointing at it, and a running bot (``serve``) on the core."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.runtime import serve
from bot.core import Core
from bot.settings import Settings
from tests.discord.fake import FakeDiscord
from tests.support import make_settings


@pytest.fixture(autouse=True)
def restore_endpoints() -> Iterator[None]:
    """``configure_endpoints`` changes class attributes of discord.py: put them back after each test."""
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def discord_settings(tmp_path: Path, fake: FakeDiscord) -> Settings:
    return make_settings(
        tmp_path,
        discord_token="test-token",
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
    )


@pytest.fixture
async def running(core: Core, discord_settings: Settings, fake: FakeDiscord) -> AsyncIterator[FakeDiscord]:
    """``serve(core, settings)`` connected to the fake; cancelled and awaited at the end."""
    task = asyncio.create_task(serve(core, discord_settings))
    try:
        await fake.wait_identified()
        yield fake
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
