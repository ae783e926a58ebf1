"""Shared test helpers: databases on SQLite and PostgreSQL, a core, fixture paths."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.app import prepare_store
from bot.core import Core
from bot.settings import Settings
from knowledge.db import Database

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
POSTGRES_URL = os.environ.get("EVBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def corpus_dir() -> Path | None:
    """``../shared/corpus`` beside the clone (or beside the working directory), if present."""
    for candidate in (ROOT.parent / "shared" / "corpus", Path.cwd().parent / "shared" / "corpus"):
        if candidate.is_dir() and any(candidate.glob("*.md")):
            return candidate
    return None


def postgres_available() -> bool:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


_PG_OK: bool | None = None


def require_postgres() -> None:
    global _PG_OK
    if _PG_OK is None:
        _PG_OK = postgres_available()
    if not _PG_OK:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is mandatory in CI and is not reachable at {POSTGRES_URL}")
        pytest.skip("no PostgreSQL server reachable")


@contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[Database]:
    """An upgraded, empty database: a SQLite file, or a private schema on the PostgreSQL server."""
    if kind == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'evbot.db'}")
        db.upgrade()
        try:
            yield db
        finally:
            db.dispose()
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(POSTGRES_URL, schema=schema)
    try:
        db.upgrade()
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"data_dir": tmp_path, "seed_on_start": False}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def make_core(db: Database, settings: Settings, seed: bool = False) -> Core:
    prepare_store(db, seed=seed)
    return Core(db, settings)


def head_revision() -> str:
    """The newest migration, i.e. what ``alembic_version`` holds after an upgrade."""
    from alembic.script import ScriptDirectory

    from knowledge.db import MIGRATIONS

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def evbot_env(tmp_path: Path, **values: str) -> dict[str, str]:
    """The environment for a real ``evbot`` process: none of this shell's evbot/chat settings,
    data under ``tmp_path``, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVBOT_", "SLACK_", "DISCORD_"))}
    env.update(EVBOT_DATA_DIR=str(tmp_path / "data"), **values)
    return env


def stop_process(process: subprocess.Popen[Any]) -> None:
    """Terminate a process started by a test; kill it if it does not exit within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
