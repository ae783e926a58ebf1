from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core import Core
from bot.settings import Settings
from knowledge.db import Database
from tests.support import fresh_database, make_core, make_settings


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The store on SQLite and on PostgreSQL (skipped without a server, mandatory in CI)."""
    with fresh_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    with fresh_database("sqlite", tmp_path) as database:
        yield database


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def core(sqlite_db: Database, settings: Settings) -> Core:
    """A core on SQLite with the tracked entities and the bundled starter facts."""
    return make_core(sqlite_db, settings, seed=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Keep the run's summary as its last line: loopback fake servers of async tests can leave
    finished-loop tasks that asyncio reports while the interpreter exits, after pytest's summary."""
    import logging

    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
