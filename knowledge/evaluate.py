"""Extraction evaluation: precision and recall of typed facts per property against a labelled key.

A key is YAML::

    articles:
      - path: articles/byd-october.md          # relative to the key file
        facts:
          - {subject: byd, property: deliveries, value: 441706, unit: vehicles, qualifiers: {period: 2025-10}}
          - {subject: byd, property: ceo, value: Wang Chuanfu}
          - {subject: xpeng, property: ai_model_parameters, value: 7000000000, upper: 8000000000,
             unit: parameters, approx: true, qualifiers: {model: car-side model}}

Each article is ingested into a scratch store with the real ingestion path; the claims it
yields are matched to the key. A predicted claim matches a key fact with the same subject and
property whose value agrees (numbers within 0.5 %, same unit; dates equal; text equal once case,
spaces and punctuation are folded, or one contains the other) and whose qualifiers named in the
key agree. Each key fact can be matched once.
"""

from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from knowledge.db import Database
from knowledge.extract.base import Extractor
from knowledge.gazetteer import load_seed_entities
from knowledge.ingest import Ingestor
from knowledge.schema import Claim, Evidence
from knowledge.store import claim_value, sync_entities
from knowledge.values import DateValue, Quantity, Value, normalise_name


@dataclass
class KeyFact:
    subject: str
    property: str
    value: Any
    unit: str | None = None
    upper: float | None = None
    qualifiers: dict[str, str] = field(default_factory=dict)


@dataclass
class PropertyScore:
    true_positive: int = 0
    predicted: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.expected if self.expected else 1.0


@dataclass
class Report:
    by_property: dict[str, PropertyScore] = field(default_factory=lambda: defaultdict(PropertyScore))
    articles: int = 0
    misses: list[str] = field(default_factory=list)  # key facts nobody found
    false_positives: list[str] = field(default_factory=list)

    def total(self) -> PropertyScore:
        total = PropertyScore()
        for score in self.by_property.values():
            total.true_positive += score.true_positive
            total.predicted += score.predicted
            total.expected += score.expected
        return total

    def table(self) -> str:
        lines = [
            "| property | key facts | extracted | correct | precision | recall |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name in sorted(self.by_property):
            s = self.by_property[name]
            lines.append(
                f"| {name} | {s.expected} | {s.predicted} | {s.true_positive} | {s.precision:.2f} | {s.recall:.2f} |"
            )
        t = self.total()
        lines.append(
            f"| **all** | {t.expected} | {t.predicted} | {t.true_positive} | **{t.precision:.2f}** | **{t.recall:.2f}** |"
        )
        return "\n".join(lines)


def _text_agrees(expected: str, got: str) -> bool:
    a, b = normalise_name(expected), normalise_name(got)
    return bool(a) and bool(b) and (a == b or a in b or b in a)


def value_agrees(fact: KeyFact, value: Value) -> bool:
    if isinstance(value, Quantity):
        try:
            amount = float(fact.value)
        except (TypeError, ValueError):
            return False
        if fact.unit and fact.unit != value.unit:
            return False
        if abs(value.amount - amount) > abs(amount) * 0.005:
            return False
        if fact.upper is not None:
            return value.upper is not None and abs(value.upper - fact.upper) <= abs(fact.upper) * 0.005
        return True
    if isinstance(value, DateValue):
        return str(fact.value) == value.date.iso()
    return _text_agrees(str(fact.value), value.display())


_PERIOD = re.compile(r"^(?:\d{4}|--)")


def _qualifier_agrees(want: str, got: str) -> bool:
    # Periods must be equal: "2025-1" is not "2025-10", and "2025" is not "2025-YTD".
    if _PERIOD.match(want) or _PERIOD.match(got):
        return normalise_name(want) == normalise_name(got)
    return _text_agrees(want, got)


def qualifiers_agree(expected: dict[str, str], got: dict[str, Any]) -> bool:
    return all(
        name in got and _qualifier_agrees(str(want), str(got[name])) for name, want in expected.items()
    )


def load_key(path: Path) -> list[tuple[Path, list[KeyFact]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: list[tuple[Path, list[KeyFact]]] = []
    for entry in data.get("articles", []):
        facts = [
            KeyFact(
                subject=f["subject"],
                property=f["property"],
                value=f["value"],
                unit=f.get("unit"),
                upper=float(f["upper"]) if f.get("upper") is not None else None,
                qualifiers={k: str(v) for k, v in (f.get("qualifiers") or {}).items()},
            )
            for f in entry.get("facts", [])
        ]
        out.append(((path.parent / entry["path"]).resolve(), facts))
    return out


def evaluate(key_path: Path, extractor: Extractor) -> Report:
    """Ingest every article of the key into a scratch SQLite store and score what comes out."""
    report = Report()
    with tempfile.TemporaryDirectory(prefix="evbot-eval-") as scratch:
        db = Database(f"sqlite:///{Path(scratch) / 'eval.db'}")
        db.upgrade()
        with db.transaction() as session:
            sync_entities(session, load_seed_entities())
        ingestor = Ingestor(db, extractor)
        for article_path, facts in load_key(key_path):
            result = ingestor.ingest_file(article_path)
            if result.outcome != "new" or result.article_id is None:
                raise ValueError(f"{article_path}: {result.outcome} ({result.reason})")
            report.articles += 1
            with db.session() as session:
                claims = (
                    session.scalars(
                        select(Claim)
                        .join(Evidence, Evidence.claim_id == Claim.id)
                        .where(Evidence.article_id == result.article_id)
                    )
                    .unique()
                    .all()
                )
                predicted = [
                    (c.subject_id, c.property, claim_value(c), dict(c.qualifiers or {})) for c in claims
                ]
            _score(report, article_path.name, facts, predicted)
        db.dispose()
    return report


def _score(
    report: Report, name: str, facts: list[KeyFact], predicted: list[tuple[str, str, Value, dict[str, Any]]]
) -> None:
    unmatched = list(facts)
    for fact in facts:
        report.by_property[fact.property].expected += 1
    for subject, prop, value, qualifiers in predicted:
        score = report.by_property[prop]
        score.predicted += 1
        match = next(
            (
                f
                for f in unmatched
                if f.subject == subject
                and f.property == prop
                and value_agrees(f, value)
                and qualifiers_agree(f.qualifiers, qualifiers)
            ),
            None,
        )
        if match is None:
            report.false_positives.append(
                f"{name}: {subject} {prop} = {value.display()} {qualifiers or ''}".rstrip()
            )
            continue
        score.true_positive += 1
        unmatched.remove(match)
    report.misses.extend(
        f"{name}: {f.subject} {f.property} = {f.value} {f.qualifiers or ''}".rstrip() for f in unmatched
    )
