"""Engine and session setup, and schema upgrades through Alembic."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Select, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"

_commits = 0


def local_commits() -> int:
    """How many sessions of this process have committed so far (any ``Database``).

    Caches of what the store holds compare it to notice this process's own writes at once."""
    return _commits


def _count_commit(_session: Session) -> None:
    global _commits
    _commits += 1  # after the DBAPI commit, so a reader that sees the new count sees the data


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, schema: str | None = None) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def include_object(
    _object: object, _name: str | None, _type: str, reflected: bool, compare_to: object
) -> bool:
    """What Alembic's autogenerate compares: not the objects the models leave out on purpose (the
    search migration's FTS5 tables and GIN expression indexes, the Slack install tables), which
    it would otherwise propose to drop."""
    return not (reflected and compare_to is None)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    # "heads": features may add migrations on separate branches from 0001; all of them apply.
    command.upgrade(alembic_config(engine), revision)


class Database:
    """An engine and its session factory; ``transaction()`` commits or rolls back as a whole."""

    def __init__(self, url: str, schema: str | None = None) -> None:
        """``schema`` (PostgreSQL only) puts every table in that schema, e.g. one per test."""
        self.url = url
        self.schema = schema
        self.engine = make_engine(url, schema)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self._sessions, "after_commit", _count_commit)
        self._quick = QuickReader(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def upgrade(self) -> None:
        upgrade(self.engine)

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def quick_row(self, statement: Select[*tuple[Any, ...]]) -> Sequence[Any]:
        """The one row of a parameterless SELECT, read on a connection kept for such reads."""
        return self._quick.row(statement)

    def dispose(self) -> None:
        self._quick.close()
        self.engine.dispose()


QUICK_TIMEOUT_MS = 2000


class QuickReader:
    """Runs small parameterless SELECTs straight on a DBAPI connection of its own.

    For a query asked on every command (the store's version) SQLAlchemy's execution path
    costs ~140 µs against ~6 µs for the query itself. The statement is compiled once; the
    connection is taken from the engine (so it carries the engine's connect-time setup: SQLite
    pragmas, PostgreSQL ``search_path``), detached from the pool and kept in autocommit, so each
    read sees the latest committed data. A failed read drops the connection and is retried
    once on a new one. An in-memory SQLite database is private to each connection: there the
    pooled path is used.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sql: dict[int, tuple[Select[*tuple[Any, ...]], str]] = {}
        self._connection: Any = None
        self._lock = threading.Lock()
        self._enabled = engine.url.database not in (None, "", ":memory:") or engine.dialect.name != "sqlite"

    def row(self, statement: Select[*tuple[Any, ...]]) -> Sequence[Any]:
        if not self._enabled:
            with self.engine.connect() as conn:
                return tuple(conn.execute(statement).one())
        sql = self._compiled(statement)
        with self._lock:
            try:
                return self._fetch(sql)
            except Exception:
                self._drop()  # e.g. the server closed it: one retry on a new connection
            try:
                return self._fetch(sql)
            except Exception:
                self._drop()
                raise

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _compiled(self, statement: Select[*tuple[Any, ...]]) -> str:
        known = self._sql.get(id(statement))
        if known is not None and known[0] is statement:
            return known[1]
        sql = str(statement.compile(dialect=self.engine.dialect, compile_kwargs={"literal_binds": True}))
        self._sql[id(statement)] = (statement, sql)  # holding the statement keeps its id unique
        return sql

    def _fetch(self, sql: str) -> Sequence[Any]:
        if self._connection is None:
            self._connection = self._connect()
        cursor = self._connection.cursor()
        try:
            cursor.execute(sql)
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:
            raise LookupError("the statement returned no row")
        return tuple(row)

    def _connect(self) -> Any:
        pooled = self.engine.raw_connection()
        pooled.detach()  # ours until close(): the pool neither resets nor reuses it
        connection: Any = pooled.dbapi_connection
        if connection is None:
            raise RuntimeError("the pool handed out a closed connection")
        if self.engine.dialect.name == "postgresql":
            connection.autocommit = True
            # Adapters read through this on their event loop: a wedged server must not hold it.
            connection.execute(f"SET statement_timeout = {QUICK_TIMEOUT_MS}")
        return connection

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(Exception):  # already broken; nothing else to release
                connection.close()
