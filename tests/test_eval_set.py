"""The labelled evaluation set (eval/key.yaml) and the matching rules of knowledge.evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from knowledge.dates import PartialDate
from knowledge.evaluate import KeyFact, Report, _score, evaluate, qualifiers_agree, value_agrees
from knowledge.extract.rules import RuleExtractor
from knowledge.values import DateValue, Quantity, Text, Value

KEY = Path(__file__).resolve().parents[1] / "eval" / "key.yaml"

# Floors the rule extractor holds today (precision 0.99, recall 0.83), minus a small margin.
PRECISION_FLOOR = 0.95
RECALL_FLOOR = 0.809


@pytest.fixture(scope="module")
def report() -> Report:
    return evaluate(KEY, RuleExtractor())


def test_eval_set_is_large_enough(report: Report) -> None:
    assert report.articles >= 22
    assert report.total().expected >= 150


def test_eval_set_regression_floor(report: Report) -> None:
    total = report.total()
    assert total.precision >= PRECISION_FLOOR, report.table()
    assert total.recall >= RECALL_FLOOR, report.table()


def test_eval_set_target(report: Report) -> None:
    total = report.total()
    assert total.precision >= 0.9 and total.recall >= 0.7, report.table()


def _fact(**kw: object) -> KeyFact:
    base: dict[str, object] = {"subject": "byd", "property": "deliveries", "value": 1000, "unit": "vehicles"}
    base.update(kw)
    return KeyFact(**base)  # type: ignore[arg-type]


def test_numbers_match_within_half_a_percent_and_same_unit() -> None:
    fact = _fact(value=441706)
    assert value_agrees(fact, Quantity(441700, "vehicles"))
    assert not value_agrees(fact, Quantity(400000, "vehicles"))
    assert not value_agrees(fact, Quantity(441706, "USD"))


def test_ranges_need_the_upper_bound() -> None:
    fact = _fact(value=120000, upper=125000.0)
    assert value_agrees(fact, Quantity(120000, "vehicles", 125000))
    assert not value_agrees(fact, Quantity(120000, "vehicles"))


def test_dates_and_text() -> None:
    assert value_agrees(_fact(property="founded", value="2014", unit=None), DateValue(PartialDate(2014)))
    assert not value_agrees(_fact(property="founded", value="2014", unit=None), DateValue(PartialDate(2015)))
    assert value_agrees(_fact(property="ceo", value="William Li", unit=None), Text("william li"))


def test_period_qualifiers_are_exact() -> None:
    assert qualifiers_agree({"period": "2025-10"}, {"period": "2025-10"})
    assert not qualifiers_agree({"period": "2025-10"}, {"period": "2025-1"})
    assert not qualifiers_agree({"period": "2025-YTD"}, {"period": "2025"})
    assert qualifiers_agree({"model": "g7"}, {"model": "xpeng-g7"})
    assert not qualifiers_agree({"model": "g7"}, {})


def test_wrong_value_is_a_false_positive_and_a_miss() -> None:
    report = Report()
    facts = [_fact(value=1000, qualifiers={"period": "2025-10"})]
    _score(
        report, "a.md", facts, [("byd", "deliveries", Quantity(999999, "vehicles"), {"period": "2025-10"})]
    )
    score = report.by_property["deliveries"]
    assert (score.true_positive, score.predicted, score.expected) == (0, 1, 1)
    assert score.precision == 0.0 and score.recall == 0.0
    assert report.false_positives and report.misses


def test_missing_fact_lowers_recall_only() -> None:
    report = Report()
    facts = [_fact(value=1000), _fact(value=2000, subject="nio")]
    _score(report, "a.md", facts, [("byd", "deliveries", Quantity(1000, "vehicles"), {})])
    total = report.total()
    assert total.precision == 1.0 and total.recall == 0.5
    assert len(report.misses) == 1


def test_each_key_fact_matches_once() -> None:
    report = Report()
    claim: tuple[str, str, Value, dict[str, Any]] = ("byd", "deliveries", Quantity(1000, "vehicles"), {})
    _score(report, "a.md", [_fact(value=1000)], [claim, claim])
    total = report.total()
    assert (total.true_positive, total.predicted) == (1, 2)
