"""A cache of answers to read-only commands, valid while the store has not changed.

``/ev compare xpeng li-auto`` asked twice in a busy channel should not rebuild the same table.
Every change to the knowledge adds rows (an audit row for ingestion and every admin action, new
claims, new evidence), so the highest ids of those tables are a cheap version of the store: three
primary-key lookups. Only commands whose answer depends on nothing but their arguments and the
store are cached (``CommandSpec.cacheable``), never anything that depends on who asks.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import func, select

from bot.reply import Reply
from knowledge.db import Database
from knowledge.schema import Audit, Claim, Evidence

Key = tuple[str, ...]


_VERSION = select(
    select(func.max(Audit.id)).scalar_subquery(),
    select(func.max(Claim.id)).scalar_subquery(),
    select(func.max(Evidence.id)).scalar_subquery(),
)


def store_version(db: Database) -> tuple[int, int, int]:
    with db.engine.connect() as conn:  # a bare connection: this runs on every cached answer
        row = conn.execute(_VERSION).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


class AnswerCache:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._answers: OrderedDict[Key, tuple[tuple[int, int, int], Reply]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key, version: tuple[int, int, int]) -> Reply | None:
        with self._lock:
            hit = self._answers.get(key)
            if hit is None or hit[0] != version:
                return None
            self._answers.move_to_end(key)
            return hit[1]

    def put(self, key: Key, version: tuple[int, int, int], reply: Reply) -> None:
        with self._lock:
            self._answers[key] = (version, reply)
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
