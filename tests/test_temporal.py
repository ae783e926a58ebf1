"""Date expressions resolved against the publication date, or left year-less without one."""

from __future__ import annotations

import pytest

from knowledge.dates import PartialDate
from knowledge.extract.temporal import find_dates

PUB = PartialDate(2025, 11, 3)


@pytest.mark.parametrize(
    ("text", "published", "expected", "period"),
    [
        ("In March, the model launched.", None, PartialDate(None, 3), "--03"),
        ("In March, the model launched.", PUB, PartialDate(2025, 3), "2025-03"),
        ("On September 10, it began.", None, PartialDate(None, 9, 10), "--09-10"),
        ("It said on Oct. 27 that", PUB, PartialDate(2025, 10, 27), "2025-10-27"),
        ("opened in January 2024 and", None, PartialDate(2024, 1), "2024-01"),
        ("Nio in 2014", None, PartialDate(2014), "2014"),
        ("This year, Huawei launched", PUB, PartialDate(2025), "2025"),
        ("delivered 40,397 vehicles last month", PUB, PartialDate(2025, 10), "2025-10"),
        ("in the third quarter", PUB, PartialDate(2025, 9), "2025-Q3"),
        ("Q4 2024 deliveries", None, PartialDate(2024, 12), "2024-Q4"),
        ("At the start of 2025, he said", None, PartialDate(2025), "2025"),
        ("deliveries in December", PUB, PartialDate(2024, 12), "2024-12"),
        ("will launch in December", PUB, PartialDate(2025, 12), "2025-12"),
    ],
)
def test_find_dates(text: str, published: PartialDate | None, expected: PartialDate, period: str) -> None:
    dates = find_dates(text, published)
    assert [(d.date, d.period) for d in dates] == [(expected, period)]


@pytest.mark.parametrize(
    "text", ["This year, Huawei launched", "sold 10 cars last month", "Xpeng may launch it"]
)
def test_relative_dates_need_a_publication_date(text: str) -> None:
    assert find_dates(text, None) == []


def test_weekday_resolves_against_publication_date() -> None:
    from knowledge.extract.temporal import find_weekday

    published = PartialDate(2025, 6, 27)  # a Friday
    match = find_weekday("Xiaomi launched the YU7 on Thursday evening.", published)
    assert match is not None and match.date == PartialDate(2025, 6, 26)
    assert find_weekday("Deliveries begin on Monday, it will say.", published) is not None
    assert find_weekday("It launched on Thursday.", None) is None
