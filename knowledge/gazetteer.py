"""The in-memory view of entities and their aliases, used to resolve names and to find mentions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.values import normalise_name

ENTITIES_FILE = Path(__file__).parent / "data" / "entities.yaml"


@dataclass(frozen=True)
class EntityInfo:
    id: str
    type: str
    name_en: str
    name_zh: str | None = None
    parent_id: str | None = None
    ticker: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Alias:
    entity_id: str
    alias: str
    lang: str = "en"
    kind: str = "official"

    @property
    def norm(self) -> str:
        return normalise_name(self.alias)


@dataclass
class Gazetteer:
    entities: dict[str, EntityInfo] = field(default_factory=dict)
    aliases: list[Alias] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_norm: dict[str, list[str]] = {}
        for alias in self.aliases:
            bucket = self._by_norm.setdefault(alias.norm, [])
            if alias.entity_id not in bucket:
                bucket.append(alias.entity_id)

    def lookup(self, name: str) -> list[str]:
        """Entity ids whose alias equals ``name`` once case, spaces and punctuation are folded."""
        return list(self._by_norm.get(normalise_name(name), []))

    def names(self) -> dict[str, list[str]]:
        return self._by_norm

    def display_name(self, entity_id: str) -> str:
        info = self.entities.get(entity_id)
        return info.name_en if info else entity_id

    def children(self, entity_id: str) -> list[str]:
        return [e.id for e in self.entities.values() if e.parent_id == entity_id]


def load_seed_entities(path: Path = ENTITIES_FILE) -> Gazetteer:
    """Read the bundled entity list: one mapping per entity with its aliases."""
    data: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    entities: dict[str, EntityInfo] = {}
    aliases: list[Alias] = []
    for row in data:
        info = EntityInfo(
            id=row["id"],
            type=row.get("type", "company"),
            name_en=row["name"],
            name_zh=row.get("zh"),
            parent_id=row.get("parent"),
            ticker=row.get("ticker"),
            country=row.get("country"),
        )
        entities[info.id] = info
        aliases.append(Alias(info.id, info.name_en, "en", "official"))
        if info.name_zh:
            aliases.append(Alias(info.id, info.name_zh, "zh", "official"))
        for ticker in str(info.ticker or "").split(","):
            if ticker.strip():
                aliases.append(Alias(info.id, ticker.strip(), "en", "ticker"))
        for item in row.get("aliases", []):
            if isinstance(item, str):
                aliases.append(Alias(info.id, item, "en", "short"))
            else:
                aliases.append(
                    Alias(info.id, item["alias"], item.get("lang", "en"), item.get("kind", "short"))
                )
    return Gazetteer(entities, aliases)
