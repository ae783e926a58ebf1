"""A cache of answers to read-only commands, valid while the store has not changed.

``/ev compare xpeng li-auto`` asked twice in a busy channel should not rebuild the same table.
Every change to the knowledge adds rows (an audit row for ingestion and every admin action, new
claims, new evidence, new aliases), so the highest ids of those tables are a cheap version of the
store: four primary-key lookups in one query, which also tells the alias index whether to reload. Only commands whose answer depends on nothing but their arguments and the
store are cached (``CommandSpec.cacheable``), never anything that depends on who asks.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import func, select

from bot.reply import Reply
from knowledge.db import Database, local_commits
from knowledge.schema import Audit, Claim, EntityAlias, Evidence

Key = tuple[str, ...]


class StoreVersion(NamedTuple):
    audit: int
    claim: int
    evidence: int
    alias: int
    aliases: int  # how many: an undone alias leaves the highest id as it was

    @property
    def names(self) -> tuple[int, int]:
        """What the alias index compares to know whether to reload."""
        return (self.alias, self.aliases)


_VERSION = select(
    select(func.max(Audit.id)).scalar_subquery(),
    select(func.max(Claim.id)).scalar_subquery(),
    select(func.max(Evidence.id)).scalar_subquery(),
    select(func.max(EntityAlias.id)).scalar_subquery(),
    select(func.count(EntityAlias.id)).scalar_subquery(),
)


def store_version(db: Database) -> StoreVersion:
    row = db.quick_row(_VERSION)  # this runs on every command: the database's fast read path
    return StoreVersion(*(int(value or 0) for value in row))


class VersionClock:
    """The store's version, read again when it may have changed.

    Every commit made by this process is noticed at once (``local_commits``), so whoever
    changed something here sees the change in their next answer. Commits by other processes
    (other replicas, ``evbot ingest`` run beside the bot) are noticed when the last read is
    older than ``max_age`` seconds: at 2,000 requests a second, reading the version for each one
    cost more than answering from the cache. ``max_age=0`` reads it for every command.
    """

    def __init__(self, db: Database, max_age: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        self.max_age = max_age
        self.clock = clock
        self._last: tuple[int, float, StoreVersion] | None = None

    def current(self) -> StoreVersion:
        commits = local_commits()  # before the read: a commit during the read forces another
        now = self.clock()
        last = self._last
        if last is not None and last[0] == commits and now - last[1] < self.max_age:
            return last[2]
        version = store_version(self.db)
        self._last = (commits, now, version)
        return version


class AnswerCache:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._answers: OrderedDict[Key, tuple[StoreVersion, Reply]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key, version: StoreVersion) -> Reply | None:
        with self._lock:
            hit = self._answers.get(key)
            if hit is None or hit[0] != version:
                return None
            self._answers.move_to_end(key)
            return hit[1]

    def put(self, key: Key, version: StoreVersion, reply: Reply) -> None:
        with self._lock:
            self._answers[key] = (version, reply)
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
