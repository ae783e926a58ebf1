"""The rule extractor on the real corpus article (skipped when ../shared/corpus is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.dates import PartialDate
from knowledge.extract.articles import load_markdown_article
from knowledge.extract.base import ClaimDraft, Extraction
from knowledge.extract.rules import RuleExtractor
from knowledge.gazetteer import load_seed_entities
from knowledge.values import DateValue, Quantity, Text

NAME = "li-auto-silicon-valley-lab.md"


def _corpus_file() -> Path | None:
    for base in (
        Path(__file__).resolve().parents[2] / "shared" / "corpus",
        Path.cwd().parent / "shared/corpus",
    ):
        if (base / NAME).exists():
            return base / NAME
    return None


pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def result() -> tuple[str, Extraction]:
    path = _corpus_file()
    if path is None:
        pytest.skip("../shared/corpus is absent")
    doc = load_markdown_article(path)
    return doc.body, RuleExtractor().extract(doc, load_seed_entities())


def _find(ex: Extraction, subject: str, prop: str, **quals: str) -> list[ClaimDraft]:
    return [
        c
        for c in ex.claims
        if c.subject == subject
        and c.property == prop
        and all(c.qualifiers.get(k) == v for k, v in quals.items())
    ]


def _texts(claims: list[ClaimDraft]) -> set[str]:
    return {c.value.text for c in claims if isinstance(c.value, Text)}


def test_every_quote_is_an_exact_body_slice(result: tuple[str, Extraction]) -> None:
    body, ex = result
    assert ex.claims
    for claim in ex.claims:
        assert body[claim.start : claim.end] == claim.quote
    for dev in ex.developments:
        assert body[dev.start : dev.end] == dev.sentence


def test_li_auto_rd_sites(result: tuple[str, Extraction]) -> None:
    _, ex = result
    assert {"Silicon Valley", "Munich", "Beijing", "Shanghai"} <= _texts(_find(ex, "li-auto", "rd_site"))
    status = _texts(_find(ex, "li-auto", "rd_site_status", site="silicon-valley"))
    assert status & {"being set up", "planned"}
    focus = _texts(_find(ex, "li-auto", "rd_site_focus", site="silicon-valley"))
    assert any("driving" in f for f in focus)
    opened = _find(ex, "li-auto", "rd_site_opened", site="munich")
    assert [c.value for c in opened] == [DateValue(PartialDate(2024, 1))]
    munich_focus = _texts(_find(ex, "li-auto", "rd_site_focus", site="munich"))
    assert {"advanced design", "power semiconductors", "chassis systems", "electric drive"} <= munich_focus
    hubs = _find(ex, "li-auto", "rd_hub_count")
    assert [c.value for c in hubs] == [Quantity(4, "hubs")]


def test_li_auto_markets_models_and_ceo(result: tuple[str, Extraction]) -> None:
    _, ex = result
    markets = _find(ex, "li-auto", "overseas_market")
    assert {"Egypt", "Kazakhstan"} <= _texts(markets)
    assert all(c.as_of == PartialDate(None, 10) for c in markets)
    assert [c.value for c in _find(ex, "li-auto", "overseas_market_count")] == [Quantity(4, "markets")]
    assert "VLA" in _texts(_find(ex, "li-auto", "ai_model", model="vla"))
    params = _find(ex, "li-auto", "ai_model_parameters", model="vla")
    assert [c.value for c in params] == [Quantity(4e9, "parameters", approx=True)]
    rollout = _find(ex, "li-auto", "ai_model_rollout", model="vla")
    assert [c.value for c in rollout] == [DateValue(PartialDate(None, 9, 10))]
    launch = _find(ex, "li-auto", "ai_model_launch", model="vla")
    assert [c.value for c in launch] == [DateValue(PartialDate(None, 3))]
    assert _texts(_find(ex, "li-auto", "ceo")) == {"Li Xiang"}


def test_xpeng(result: tuple[str, Extraction]) -> None:
    _, ex = result
    assert {"Silicon Valley", "San Diego"} <= _texts(_find(ex, "xpeng", "rd_site"))
    opened = {c.qualifiers["site"]: c.value for c in _find(ex, "xpeng", "rd_site_opened")}
    assert opened.get("silicon-valley") == DateValue(PartialDate(2018))
    assert opened.get("north-america") == DateValue(PartialDate(2018))
    headcount = _find(ex, "xpeng", "rd_headcount")
    assert [(c.value, c.qualifiers["site"]) for c in headcount] == [
        (Quantity(100, "people", approx=True), "north-america")
    ]
    params = {c.value for c in _find(ex, "xpeng", "ai_model_parameters")}
    assert Quantity(72e9, "parameters") in params
    assert Quantity(7e9, "parameters", upper=8e9, approx=True) in params
    people = _find(ex, "xpeng", "key_person", person="liu-xianming")
    assert people and people[0].qualifiers["formerly"] == "Cruise"
    assert "lead" in people[0].qualifiers["role"]
    robots = _find(ex, "xpeng", "robotics_team_size")
    assert [(c.value, c.qualifiers["region"]) for c in robots] == [
        (Quantity(20, "people", approx=True), "north-america")
    ]
    iron = _find(ex, "xpeng", "humanoid_robot")
    assert _texts(iron) == {"Iron"} and iron[0].as_of == PartialDate(None, 11)
    assert _texts(_find(ex, "xpeng", "ceo")) == {"He Xiaopeng"}


def test_nio_and_huawei(result: tuple[str, Extraction]) -> None:
    _, ex = result
    assert "Silicon Valley" in _texts(_find(ex, "nio", "rd_site"))
    opened = _find(ex, "nio", "rd_site_opened", site="silicon-valley")
    assert [c.value for c in opened] == [DateValue(PartialDate(2014))]
    assert "ADS 4.0" in _texts(_find(ex, "huawei", "adas_system"))
    level = _find(ex, "huawei", "adas_level", system="ads-4.0")
    assert _texts(level) == {"L3"} and level[0].qualifiers.get("scenario") == "highway"
    vehicles = _texts(_find(ex, "huawei", "adas_hardware_vehicle", level="L3"))
    assert {"Maextro S800", "Aito M8"} <= vehicles


def test_no_rd_site_for_companies_merely_mentioned(result: tuple[str, Extraction]) -> None:
    _, ex = result
    for company in ("tesla", "waymo", "openai", "nvidia", "cruise"):
        assert not [c for c in ex.claims if c.subject == company]
    assert {d.entity_id for d in ex.developments} >= {"tesla", "li-auto", "xpeng", "nio", "huawei"}
