"""A cache of answers to read-only commands, valid while the store has not changed.

``/ev compare xpeng li-auto`` asked twice in a busy channel should not rebuild the same table.
Every change to the knowledge adds rows (an audit row for ingestion and every admin action, new
claims, new evidence, new aliases), so the highest ids of those tables are a cheap version of the
store: four primary-key lookups in one query, which also tells the alias index whether to reload. Only commands whose answer depends on nothing but their arguments and the
store are cached (``CommandSpec.cacheable``), never anything that depends on who asks.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import NamedTuple

from sqlalchemy import func, select

from bot.reply import Reply
from knowledge.db import Database
from knowledge.schema import Audit, Claim, EntityAlias, Evidence

Key = tuple[str, ...]


class StoreVersion(NamedTuple):
    audit: int
    claim: int
    evidence: int
    alias: int


_VERSION = select(
    select(func.max(Audit.id)).scalar_subquery(),
    select(func.max(Claim.id)).scalar_subquery(),
    select(func.max(Evidence.id)).scalar_subquery(),
    select(func.max(EntityAlias.id)).scalar_subquery(),
)


def store_version(db: Database) -> StoreVersion:
    with db.engine.connect() as conn:  # a bare connection: this runs on every command
        row = conn.execute(_VERSION).one()
    return StoreVersion(*(int(value or 0) for value in row))


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
