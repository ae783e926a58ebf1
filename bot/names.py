"""Resolve what users type (``li-auto``, ``Li Auto``, ``理想``, ``LI``) to entities, with suggestions."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import func, select

from knowledge.db import Database
from knowledge.gazetteer import EntityInfo, Gazetteer
from knowledge.schema import EntityAlias
from knowledge.store import load_gazetteer
from knowledge.values import normalise_name

COMPANY_TYPES = ("company", "brand")
_ALIAS_VERSION = select(func.max(EntityAlias.id), func.count(EntityAlias.id))


class NotFound(Exception):
    def __init__(self, name: str, suggestions: list[EntityInfo]) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions


@dataclass
class _Snapshot:
    version: tuple[int, int]
    gazetteer: Gazetteer
    choices: list[str]
    choice_ids: list[str]


class NameIndex:
    """The alias table in memory, reloaded when any process adds or removes an alias."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    def _version(self) -> tuple[int, int]:
        # the highest id changes when an alias is added, the count also when an undo removes one
        top, count = self.db.quick_row(_ALIAS_VERSION)
        return int(top or 0), int(count or 0)

    def refresh(self, version: tuple[int, int] | None = None) -> None:
        """Reload if any process added or removed an alias since the last load. ``version`` is the
        highest alias id and the alias count when the caller has just read them; otherwise one
        query reads them.

        The core calls this once per command, so a command sees one consistent alias table."""
        current = self._snapshot
        if current is None or current.version != (self._version() if version is None else version):
            self._load()

    def snapshot(self) -> _Snapshot:
        return self._snapshot or self._load()

    def _load(self) -> _Snapshot:
        version = self._version()
        with self._lock:
            with self.db.session() as session:
                gazetteer = load_gazetteer(session)
            choices: list[str] = []
            ids: list[str] = []
            for norm, entity_ids in gazetteer.names().items():
                for entity_id in entity_ids:
                    choices.append(norm)
                    ids.append(entity_id)
            self._snapshot = _Snapshot(version, gazetteer, choices, ids)
            return self._snapshot

    @property
    def gazetteer(self) -> Gazetteer:
        return self.snapshot().gazetteer

    def resolve(self, name: str, types: tuple[str, ...] = COMPANY_TYPES) -> EntityInfo:
        snap = self.snapshot()
        entities = snap.gazetteer.entities
        by_slug = entities.get(normalise_slug(name))
        matches = [by_slug] if by_slug is not None else []
        matches += [
            entities[i] for i in snap.gazetteer.lookup(name) if i in entities and entities[i] is not by_slug
        ]
        wanted = [e for e in matches if e.type in types] if types else matches
        if wanted:
            # an exact slug wins; otherwise prefer a company over its brand
            wanted.sort(key=lambda e: (e.id != normalise_slug(name), e.type != "company"))
            return wanted[0]
        raise NotFound(name, self.suggest(name, types))

    def suggest(self, name: str, types: tuple[str, ...] = COMPANY_TYPES, limit: int = 3) -> list[EntityInfo]:
        snap = self.snapshot()
        query = normalise_name(name)
        if not query:
            return []
        found: list[EntityInfo] = []
        for _choice, score, index in process.extract(
            query, snap.choices, scorer=fuzz.WRatio, limit=limit * 4
        ):
            if score < 70:
                continue
            entity = snap.gazetteer.entities.get(snap.choice_ids[index])
            if entity is not None and (not types or entity.type in types) and entity not in found:
                found.append(entity)
        return found[:limit]

    def companies(self) -> list[EntityInfo]:
        return [e for e in self.gazetteer.entities.values() if e.type in COMPANY_TYPES]


def normalise_slug(name: str) -> str:
    return "-".join(name.strip().lower().split())
