"""The store's version: read on a connection of its own, and re-read when the store may have changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from bot.answers import VersionClock, store_version
from knowledge.db import Database, local_commits
from knowledge.schema import Audit
from knowledge.store import audit
from tests.support import make_core, make_settings

_MAX_AUDIT = select(func.max(Audit.id))


def record(db: Database, what: str) -> None:
    with db.transaction() as session:
        audit(session, "test", "note", "store", what)


def record_elsewhere(db: Database, what: str) -> None:
    """A write this process's sessions do not see: another engine, as another process would."""
    other = create_engine(
        db.url,
        connect_args={"options": f"-csearch_path={db.schema}"} if db.schema else {},
    )
    try:
        with other.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit (at, actor, action, target_type, target_id) "
                    "VALUES (CURRENT_TIMESTAMP, 'elsewhere', 'note', 'store', :what)"
                ),
                {"what": what},
            )
    finally:
        other.dispose()


def test_quick_row_sees_every_commit_at_once(db: Database) -> None:
    assert db.quick_row(_MAX_AUDIT) == (None,)
    record(db, "one")
    (first,) = db.quick_row(_MAX_AUDIT)
    record_elsewhere(db, "two")  # not through this Database: still seen, no stale snapshot
    (second,) = db.quick_row(_MAX_AUDIT)
    assert first is not None and second == first + 1
    with db.engine.connect() as conn:
        assert conn.execute(_MAX_AUDIT).scalar() == second


@pytest.mark.postgres
def test_quick_row_survives_a_server_side_disconnect(tmp_path: Path) -> None:
    from tests.support import fresh_database

    with fresh_database("postgres", tmp_path) as db:
        record(db, "one")
        (before,) = db.quick_row(_MAX_AUDIT)
        pid = db._quick._connection.info.backend_pid  # the connection under test
        with db.engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert db.quick_row(_MAX_AUDIT) == (before,)  # one retry on a new connection
        assert db._quick._connection.info.backend_pid != pid


def test_quick_row_on_an_in_memory_database_reads_through_the_pool() -> None:
    db = Database("sqlite://")
    try:
        db.upgrade()
        record(db, "one")
        assert db.quick_row(_MAX_AUDIT) == (1,)
    finally:
        db.dispose()


def test_dispose_closes_the_quick_connection(sqlite_db: Database) -> None:
    sqlite_db.quick_row(_MAX_AUDIT)
    connection = sqlite_db._quick._connection
    assert connection is not None
    sqlite_db.dispose()
    with pytest.raises(Exception, match="closed"):
        connection.execute("SELECT 1")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_own_commits_are_seen_at_once_and_others_after_max_age(db: Database) -> None:
    clock = FakeClock()
    versions = VersionClock(db, max_age=0.05, clock=clock)
    start = versions.current()
    record_elsewhere(db, "another process")
    assert versions.current() == start  # within max_age, the last read stands
    clock.now += 0.06
    after_other = versions.current()
    assert after_other.audit == start.audit + 1
    commits = local_commits()
    record(db, "this process")
    assert local_commits() > commits
    assert versions.current().audit == after_other.audit + 1  # no waiting for our own write
    assert versions.current() == store_version(db)


def test_max_age_zero_reads_the_store_for_every_command(sqlite_db: Database) -> None:
    versions = VersionClock(sqlite_db, max_age=0.0, clock=FakeClock())
    start = versions.current()
    record_elsewhere(sqlite_db, "another process")
    assert versions.current().audit == start.audit + 1


def test_a_core_answers_afresh_after_another_process_changes_the_store(
    sqlite_db: Database, tmp_path: Path
) -> None:
    from bot.context import CommandRequest

    core = make_core(sqlite_db, make_settings(tmp_path, store_recheck_ms=0), seed=True)
    request = CommandRequest(text="/ev brief xpeng")
    first = core.handle(request)
    assert core.handle(request) is first  # unchanged store: the same answer object
    record_elsewhere(sqlite_db, "another process")
    assert core.cached_answer(request) is None  # the cached answer no longer matches the store
    assert core.handle(request) is not first


def test_an_unreachable_store_makes_cached_answer_step_aside(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An adapter calls cached_answer on its event loop: a store error there must not escape, so
    the command takes the normal path, which answers with a clear error."""
    from bot.context import CommandRequest

    core = make_core(sqlite_db, make_settings(tmp_path, store_recheck_ms=0), seed=True)
    request = CommandRequest(text="/ev brief xpeng")
    core.handle(request)

    def broken(_statement: object) -> tuple[object, ...]:
        raise ConnectionError("database is down")

    monkeypatch.setattr(sqlite_db, "quick_row", broken)
    assert core.cached_answer(request) is None
    reply = core.handle(request)
    assert reply.is_error
