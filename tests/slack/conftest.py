from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.runtime import SlackRuntime
from bot.core import Core
from bot.settings import Settings
from tests.slack.fakes import BOT_TOKEN, SECRET, FakeSlack, running
from tests.support import make_settings


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def slack_settings(tmp_path: Path, fake_slack: FakeSlack) -> Settings:
    return make_settings(
        tmp_path,
        slack_signing_secret=SECRET,
        slack_bot_token=BOT_TOKEN,
        slack_host="127.0.0.1",
        slack_port=0,
        slack_api_url=fake_slack.api_url,
    )


@pytest.fixture
async def runtime(core: Core, slack_settings: Settings) -> AsyncIterator[SlackRuntime]:
    async with running(core, slack_settings) as started:
        yield started


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
