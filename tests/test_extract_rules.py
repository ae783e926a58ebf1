"""The rule extractor on self-written fixture articles and on small sentences."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from knowledge.dates import PartialDate
from knowledge.extract.articles import load_markdown_article
from knowledge.extract.base import ArticleDoc, ClaimDraft, Extraction
from knowledge.extract.rules import RuleExtractor
from knowledge.extract.sentences import split_sentences
from knowledge.extract.topics import classify
from knowledge.gazetteer import Gazetteer, load_seed_entities
from knowledge.values import DateValue, Quantity, Text

FIXTURES = Path(__file__).parent / "fixtures" / "articles"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_seed_entities()


def _run(gazetteer: Gazetteer, name: str) -> tuple[ArticleDoc, Extraction]:
    doc = load_markdown_article(FIXTURES / name)
    return doc, RuleExtractor().extract(doc, gazetteer)


def _text(gazetteer: Gazetteer, body: str, published: PartialDate | None = None) -> Extraction:
    return RuleExtractor().extract(ArticleDoc(body=body, published=published), gazetteer)


def _find(ex: Extraction, subject: str, prop: str) -> list[ClaimDraft]:
    return [c for c in ex.claims if c.subject == subject and c.property == prop]


def test_extractor_identity() -> None:
    assert RuleExtractor.name == "rules" and RuleExtractor.version >= "1"


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.md")))
def test_quotes_are_exact_body_slices(gazetteer: Gazetteer, name: str) -> None:
    doc, ex = _run(gazetteer, name)
    assert ex.claims
    for claim in ex.claims:
        assert doc.body[claim.start : claim.end] == claim.quote
        assert 0 < claim.confidence <= 1
    for dev in ex.developments:
        assert doc.body[dev.start : dev.end] == dev.sentence


def test_fixture_count() -> None:
    assert len(list(FIXTURES.glob("*.md"))) >= 6


def test_deliveries_roundup(gazetteer: Gazetteer) -> None:
    _, ex = _run(gazetteer, "deliveries-roundup.md")
    leap = _find(ex, "leapmotor", "deliveries")
    assert [(c.value, c.qualifiers["period"], c.as_of) for c in leap] == [
        (Quantity(70289, "vehicles"), "2025-10", PartialDate(2025, 10))
    ]
    assert [c.value for c in _find(ex, "leapmotor", "deliveries_yoy")] == [Quantity(84.1, "percent")]
    # "last month" resolves against the publication date
    assert [c.qualifiers["period"] for c in _find(ex, "nio", "deliveries")] == ["2025-10"]
    assert [c.value for c in _find(ex, "li-auto", "deliveries_yoy")] == [Quantity(-38.3, "percent")]
    assert [c.value for c in _find(ex, "xpeng", "deliveries")] == [Quantity(42013, "vehicles")]
    target = _find(ex, "nio", "delivery_target")
    assert [(c.value, c.qualifiers["period"]) for c in target] == [
        (Quantity(120000, "vehicles", upper=125000), "2025-Q4")
    ]
    assert not [c for c in ex.claims if c.subject == "tesla"]


def test_funding_round(gazetteer: Gazetteer) -> None:
    _, ex = _run(gazetteer, "funding-round.md")
    funding = _find(ex, "momenta", "funding_amount")
    assert [(c.value, c.qualifiers["round"]) for c in funding] == [(Quantity(500e6, "USD"), "series-c")]
    assert {"Toyota", "Bosch"} <= {c.value.display() for c in _find(ex, "momenta", "investor")}
    # the RMB round belongs to an untracked company: not carried over to Momenta
    assert not [c for c in ex.claims if c.value == Quantity(2e9, "CNY")]
    assert "Zhuoyu Technology Co." in {u.name for u in ex.unknown_orgs}
    stake = _find(ex, "leapmotor", "stake")
    assert [(c.value, c.qualifiers["investor"]) for c in stake] == [(Quantity(21, "percent"), "stellantis")]


def test_launch_with_price(gazetteer: Gazetteer) -> None:
    _, ex = _run(gazetteer, "launch-with-price.md")
    price = _find(ex, "onvo", "price_from")
    assert [(c.value, c.qualifiers["model"]) for c in price] == [(Quantity(265800, "CNY"), "onvo-l90")]
    yu7 = _find(ex, "xiaomi", "price_from")
    assert [c.value for c in yu7] == [Quantity(253500, "CNY")]
    launch = _find(ex, "xiaomi", "product_launch")
    assert [c.value for c in launch] == [DateValue(PartialDate(2025, 6))]
    assert {c.value.display() for c in _find(ex, "nio", "ceo")} == {"William Li"}
    tops = [c for c in ex.claims if c.property == "chip_tops"]
    assert tops and tops[0].value == Quantity(254, "TOPS")


def test_plant_opening(gazetteer: Gazetteer) -> None:
    _, ex = _run(gazetteer, "plant-opening.md")
    plants = {c.qualifiers["site"]: c for c in _find(ex, "byd", "plant")}
    assert {"szeged", "turkey", "rayong"} <= set(plants)
    assert "europe" not in plants
    opened = {c.qualifiers["site"]: c.value for c in _find(ex, "byd", "plant_opened")}
    assert opened == {
        "szeged": DateValue(PartialDate(2025, 10, 8)),
        "rayong": DateValue(PartialDate(2024, 7)),
    }
    status = {c.qualifiers["site"]: c.value for c in _find(ex, "byd", "plant_status")}
    assert status["turkey"] == Text("planned")
    capacity = _find(ex, "byd", "plant_capacity")
    assert [(c.value, c.qualifiers["site"]) for c in capacity] == [
        (Quantity(150000, "vehicles/year"), "szeged")
    ]
    markets = {c.value.display() for c in _find(ex, "leapmotor", "overseas_market")}
    assert markets == {"Brazil", "Mexico", "Chile"}
    entry = _find(ex, "leapmotor", "market_entry_date")
    assert [(c.qualifiers["market"], c.value) for c in entry] == [("brazil", DateValue(PartialDate(2025, 9)))]
    assert not _find(ex, "great-wall", "plant")


def test_adas_rollout(gazetteer: Gazetteer) -> None:
    _, ex = _run(gazetteer, "adas-rollout.md")
    assert {c.value.display() for c in _find(ex, "xpeng", "adas_system")} == {"XNGP"}
    level = _find(ex, "xpeng", "adas_level")
    assert [(c.value, c.qualifiers.get("scenario")) for c in level] == [(Text("L2+"), "urban")]
    assert {c.value.display() for c in _find(ex, "huawei", "adas_hardware_vehicle")} == {
        "Luxeed R7",
        "Stelato S9",
    }
    chips = _find(ex, "xpeng", "chip_tops")
    assert [(c.value, c.qualifiers["chip"]) for c in chips] == [(Quantity(750, "TOPS"), "turing")]
    partners = _find(ex, "leapmotor", "partnership")
    assert [c.qualifiers["partner"] for c in partners] == ["momenta"]


def test_executive_move(gazetteer: Gazetteer) -> None:
    _, ex = _run(gazetteer, "executive-move.md")
    assert {c.value.display() for c in _find(ex, "zeekr", "ceo")} == {"An Conghui"}
    zhang = [c for c in ex.claims if c.qualifiers.get("person") == "zhang-wei"]
    assert [(c.subject, c.qualifiers["role"], c.qualifiers["formerly"]) for c in zhang] == [
        ("xpeng", "head of autonomous driving research", "Waymo")
    ]
    assert not [c for c in ex.claims if c.subject == "waymo"]
    mi = [c for c in ex.claims if c.qualifiers.get("person") == "mi-liangchuan"]
    assert mi and mi[0].qualifiers["formerly"] == "Baidu" and mi[0].subject == "xpeng"
    assert [c.value for c in _find(ex, "li-auto", "founded")] == [DateValue(PartialDate(2015))]
    assert [c.value for c in _find(ex, "li-auto", "headquarters")] == [Text("Beijing")]


def test_rd_center_opening(gazetteer: Gazetteer) -> None:
    _, ex = _run(gazetteer, "rd-center-opening.md")
    assert [c.value for c in _find(ex, "changan", "rd_site_opened")] == [DateValue(PartialDate(2024))]
    focus = {c.value.display() for c in _find(ex, "chery", "rd_site_focus")}
    assert focus == {"powertrain engineering", "vehicle safety"}
    assert [c.value for c in _find(ex, "nio", "rd_headcount")] == [Quantity(150, "people", approx=True)]
    opened = {c.qualifiers["site"]: c.value for c in _find(ex, "great-wall", "rd_site_opened")}
    assert opened == {"munich": DateValue(PartialDate(2020)), "tokyo": DateValue(PartialDate(2019))}
    for company in ("volkswagen", "bmw", "mercedes-benz"):
        assert not [c for c in ex.claims if c.subject == company]


def test_home_to_list_gives_no_rd_site(gazetteer: Gazetteer) -> None:
    ex = _text(gazetteer, "Home to Tesla, Waymo, OpenAI, and Nvidia, Silicon Valley attracts AI researchers.")
    assert ex.claims == []
    assert {d.entity_id for d in ex.developments} == {"tesla", "waymo", "openai", "nvidia"}


def test_lists_split_dates_per_company(gazetteer: Gazetteer) -> None:
    ex = _text(
        gazetteer, "Nio and Xpeng opened R&D centers in Munich earlier, Nio in 2016 and Xpeng in 2021."
    )
    opened = {c.subject: c.value for c in ex.claims if c.property == "rd_site_opened"}
    assert opened == {"nio": DateValue(PartialDate(2016)), "xpeng": DateValue(PartialDate(2021))}


def test_pronoun_and_possessive_subjects(gazetteer: Gazetteer) -> None:
    body = (
        "Li Auto’s new VLA model has 4 billion parameters. The company also runs an R&D center in Shanghai."
    )
    ex = _text(gazetteer, body)
    assert {(c.subject, c.property) for c in ex.claims} >= {
        ("li-auto", "ai_model_parameters"),
        ("li-auto", "rd_site"),
    }


def test_undated_relative_dates_give_nothing(gazetteer: Gazetteer) -> None:
    ex = _text(gazetteer, "Nio delivered 40,397 vehicles last month.")
    assert not _find(ex, "nio", "deliveries")
    ex = _text(gazetteer, "Nio delivered 40,397 vehicles last month.", PartialDate(2025, 11, 1))
    assert [c.qualifiers["period"] for c in _find(ex, "nio", "deliveries")] == ["2025-10"]


def test_chinese_aliases_and_tickers(gazetteer: Gazetteer) -> None:
    ex = _text(gazetteer, "理想汽车 and NIO shares rose. Analysts at li did not comment.")
    assert {d.entity_id for d in ex.developments} == {"li-auto", "nio"}


def test_unknown_orgs(gazetteer: Gazetteer) -> None:
    ex = _text(gazetteer, "Seres signed a supply deal with Sunrise Battery Technologies and Xpeng Motors.")
    names = {u.name for u in ex.unknown_orgs}
    assert "Sunrise Battery Technologies" in names
    assert not any("Xpeng" in n for n in names)


def test_sentence_splitting_offsets() -> None:
    text = (
        "Xpeng Inc. said on Oct. 27 that ADS 4.0 works in the U.S. market. “It is ready,” he said. "
        "The stock rose 4.5%.\nNew paragraph here"
    )
    spans = split_sentences(text)
    sentences = [text[s.start : s.end] for s in spans]
    assert sentences == [
        "Xpeng Inc. said on Oct. 27 that ADS 4.0 works in the U.S. market.",
        "“It is ready,” he said.",
        "The stock rose 4.5%.",
        "New paragraph here",
    ]


def test_topics() -> None:
    assert classify("Nio delivered 40,397 vehicles in October.") == "sales"
    assert classify("Huawei launched ADS 4.0, its Level 3 system.") == "smart_driving"
    assert classify("Xpeng unveiled its humanoid robot Iron.") == "robotics"
    assert classify("Momenta raised $500 million in a Series C round.") == "financing"
    assert classify("The weather was fine.") == "general"


def test_throughput(gazetteer: Gazetteer) -> None:
    corpus = " ".join(
        (FIXTURES / name).read_text(encoding="utf-8").split("---\n", 2)[2]
        for name in sorted(p.name for p in FIXTURES.glob("*.md"))
    )
    words = corpus.split()
    body = " ".join((words * (800 // len(words) + 1))[:800])
    doc = ArticleDoc(body=body, published=PartialDate(2025, 11, 1))
    extractor = RuleExtractor()
    extractor.extract(doc, gazetteer)  # warm the alias matcher
    runs = 20
    started = time.process_time()
    for _ in range(runs):
        extractor.extract(doc, gazetteer)
    per_second = runs / (time.process_time() - started)
    assert per_second >= 30  # the target is >=100/s; leave head-room for slow CI machines


def test_stake_wordings(gazetteer: Gazetteer) -> None:
    ex = _text(
        gazetteer, "Volkswagen bought a stake of about 4.99% in Xpeng for roughly $700 million in 2023."
    )
    assert [(c.value, c.qualifiers["investor"]) for c in _find(ex, "xpeng", "stake")] == [
        (Quantity(4.99, "percent"), "volkswagen")
    ]
    ex = _text(gazetteer, "Stellantis bought about 21% of Leapmotor in late 2023.")
    assert [c.value.display() for c in _find(ex, "leapmotor", "investor")] == ["Stellantis"]
    # an owner that is only a description is not guessed, and the target never owns itself
    ex = _text(gazetteer, "The European group bought about 21% of Leapmotor in late 2023.")
    assert not _find(ex, "leapmotor", "stake")
    assert not _find(ex, "leapmotor", "investor")


def test_handed_over_is_an_exact_count(gazetteer: Gazetteer) -> None:
    body = "Xpeng handed over 42,013 vehicles in October, a rise of 76% from a year earlier."
    ex = _text(gazetteer, body, PartialDate(2025, 11, 3))
    assert [(c.value, c.qualifiers["period"]) for c in _find(ex, "xpeng", "deliveries")] == [
        (Quantity(42013, "vehicles"), "2025-10")
    ]
    ex = _text(gazetteer, "Xpeng delivered over 42,013 vehicles in October.", PartialDate(2025, 11, 3))
    assert [c.value for c in _find(ex, "xpeng", "deliveries")] == [Quantity(42013, "vehicles", None, True)]


def test_delivery_floors_and_peaks(gazetteer: Gazetteer) -> None:
    ex = _text(gazetteer, "Nio's deliveries exceeded 34,000 in September.", PartialDate(2025, 10, 1))
    assert [(c.value, c.qualifiers["period"]) for c in _find(ex, "nio", "deliveries")] == [
        (Quantity(34000, "vehicles", None, True), "2025-09")
    ]
    ex = _text(
        gazetteer, "GAC Aion's sales peaked at about 480,000 vehicles in 2023.", PartialDate(2025, 10, 1)
    )
    assert [(c.value, c.qualifiers["period"]) for c in _find(ex, "gac-aion", "deliveries")] == [
        (Quantity(480000, "vehicles", None, True), "2023")
    ]
    body = "Its cumulative sales of Aito vehicles passed 900,000 units in the autumn."
    ex = _text(gazetteer, body, PartialDate(2025, 10, 1))
    assert [c.value for c in _find(ex, "aito", "cumulative_deliveries")] == [
        Quantity(900000, "vehicles", None, True)
    ]


def test_founded_as_separate_company(gazetteer: Gazetteer) -> None:
    body = "GAC Aion was set up as a separate company in 2017 and is headquartered in Guangzhou."
    ex = _text(gazetteer, body)
    assert [c.value for c in _find(ex, "gac-aion", "founded")] == [DateValue(PartialDate(2017))]
    ex = _text(gazetteer, "GAC Aion set up a battery plant in 2017.")
    assert not _find(ex, "gac-aion", "founded")


def test_market_list_with_dates(gazetteer: Gazetteer) -> None:
    ex = _text(gazetteer, "Zeekr entered Thailand in 2023 and Malaysia in 2024.", PartialDate(2025, 6, 1))
    entries = {c.qualifiers["market"]: c.value for c in _find(ex, "zeekr", "market_entry_date")}
    assert entries == {"thailand": DateValue(PartialDate(2023)), "malaysia": DateValue(PartialDate(2024))}


def test_model_launched_in_markets(gazetteer: Gazetteer) -> None:
    body = "Zeekr has launched its 7X sport utility vehicle in Malaysia and Singapore, widening its push."
    ex = _text(gazetteer, body, PartialDate(2025, 6, 1))
    assert {c.qualifiers["market"] for c in _find(ex, "zeekr", "overseas_market")} == {
        "malaysia",
        "singapore",
    }
    ex = _text(gazetteer, "BYD launched its Seal at the Paris show in France.", PartialDate(2025, 6, 1))
    assert not _find(ex, "byd", "overseas_market")


def test_market_entry_last_year_shared_by_list(gazetteer: Gazetteer) -> None:
    body = "Pony.ai entered Qatar and Saudi Arabia last year through partnerships."
    ex = _text(gazetteer, body, PartialDate(2025, 10, 1))
    entries = {c.qualifiers["market"]: c.value for c in _find(ex, "pony-ai", "market_entry_date")}
    assert entries == {"qatar": DateValue(PartialDate(2024)), "saudi-arabia": DateValue(PartialDate(2024))}
    ex = _text(gazetteer, "Xpeng entered Saudi Arabia last month.", PartialDate(2025, 11, 3))
    assert [c.value for c in _find(ex, "xpeng", "market_entry_date")] == [DateValue(PartialDate(2025, 10))]


def test_its_markets_are(gazetteer: Gazetteer) -> None:
    body = (
        "Chery sold 2.6 million vehicles last year. Its main overseas markets are Russia, Brazil and Mexico."
    )
    ex = _text(gazetteer, body, PartialDate(2025, 6, 1))
    assert {c.qualifiers["market"] for c in _find(ex, "chery", "overseas_market")} == {
        "russia",
        "brazil",
        "mexico",
    }
    ex = _text(
        gazetteer, "Chery sold 2.6 million cars. Analysts say the biggest markets are Europe and Brazil."
    )
    assert not _find(ex, "chery", "overseas_market")


def test_mutual_and_alliance_partnerships(gazetteer: Gazetteer) -> None:
    body = "Volkswagen and Xpeng have agreed to extend their partnership to cover hybrid cars."
    ex = _text(gazetteer, body)
    assert [c.qualifiers["partner"] for c in _find(ex, "volkswagen", "partnership")] == ["xpeng"]
    assert [c.qualifiers["partner"] for c in _find(ex, "xpeng", "partnership")] == ["volkswagen"]
    body = "Huawei works with carmakers through its alliance, better known as HIMA, which includes Seres, Chery and BAIC."
    ex = _text(gazetteer, body)
    assert {c.qualifiers["partner"] for c in _find(ex, "huawei", "partnership")} == {"seres", "chery", "baic"}
    ex = _text(gazetteer, "Xpeng said it would extend its partnership programme.")
    assert not [c for c in ex.claims if c.property == "partnership"]
