"""The extractor contract shared by the rule extractor and the optional LLM extractor.

``extract(doc, gazetteer)`` returns drafts only; the store decides what is written, and writes
evidence only where ``doc.body[start:end] == quote``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from knowledge.dates import PartialDate
from knowledge.gazetteer import Gazetteer
from knowledge.values import Value


@dataclass(frozen=True)
class ArticleDoc:
    body: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: PartialDate | None = None


@dataclass
class ClaimDraft:
    subject: str  # entity slug
    property: str  # vocabulary id
    value: Value
    quote: str  # exact substring of the body
    start: int
    end: int
    qualifiers: dict[str, str] = field(default_factory=dict)
    as_of: PartialDate | None = None
    confidence: float = 0.8


@dataclass
class DevelopmentDraft:
    entity_id: str
    topic: str  # sales, smart_driving, ai, rd, overseas, financing, products, robotics, leadership, policy, general
    sentence: str
    start: int
    end: int


@dataclass
class UnknownOrg:
    name: str
    quote: str
    start: int
    end: int


@dataclass
class Extraction:
    claims: list[ClaimDraft] = field(default_factory=list)
    developments: list[DevelopmentDraft] = field(default_factory=list)
    unknown_orgs: list[UnknownOrg] = field(default_factory=list)


class Extractor(Protocol):
    name: str
    version: str

    def extract(self, doc: ArticleDoc, gazetteer: Gazetteer) -> Extraction: ...
