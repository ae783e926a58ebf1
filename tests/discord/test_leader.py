"""Only one replica at a time connects the Discord gateway; another takes over when it goes."""

from __future__ import annotations

import asyncio

import pytest

from adapters.discord import leader
from bot.core import Core
from bot.settings import Settings
from knowledge.db import Database


async def test_one_holder_connects_and_the_other_takes_over_when_it_stops(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    connected: list[str] = []

    async def fake_gateway(core: Core, _settings: Settings) -> None:
        name = core.settings.data_dir.name  # which replica this is
        connected.append(name)
        await asyncio.Event().wait()  # runs until cancelled

    monkeypatch.setattr(leader.runtime, "serve", fake_gateway)
    first = Core(db, settings.model_copy(update={"data_dir": settings.data_dir / "a"}))
    second = Core(db, settings.model_copy(update={"data_dir": settings.data_dir / "b"}))
    task_a = asyncio.create_task(leader.serve(first, first.settings, ttl=0.6, holder="replica-a"))
    await asyncio.sleep(0.3)
    task_b = asyncio.create_task(leader.serve(second, second.settings, ttl=0.6, holder="replica-b"))
    await asyncio.sleep(1.0)
    assert connected == ["a"], "the second replica must wait while the first holds the lease"

    task_a.cancel()  # replica a stops: it releases the lease on the way out
    await asyncio.gather(task_a, return_exceptions=True)
    for _ in range(40):
        if connected == ["a", "b"]:
            break
        await asyncio.sleep(0.1)
    assert connected == ["a", "b"]
    task_b.cancel()
    await asyncio.gather(task_b, return_exceptions=True)
