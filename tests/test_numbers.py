"""Number normalisation: scales, word numbers, ranges, currencies, percentages, hedges."""

from __future__ import annotations

import pytest

from knowledge.extract.numbers import find_numbers


@pytest.mark.parametrize(
    ("text", "amount", "upper", "approx", "currency", "percent"),
    [
        ("72 billion parameters", 72e9, None, False, None, False),
        ("around seven to eight billion parameters", 7e9, 8e9, True, None, False),
        ("roughly four billion parameters", 4e9, None, True, None, False),
        ("5,101 cars", 5101, None, False, None, False),
        ("about 100 people", 100, None, True, None, False),
        ("nearly 20 engineers", 20, None, True, None, False),
        ("RMB 229,900", 229900, None, False, "CNY", False),
        ("253,500 yuan", 253500, None, False, "CNY", False),
        ("$1.5bn", 1.5e9, None, False, "USD", False),
        ("US$500 million", 500e6, None, False, "USD", False),
        ("€30m", 30e6, None, False, "EUR", False),
        ("up 84.1% year-on-year", 84.1, None, False, None, True),
        ("grew 12 percent", 12, None, False, None, True),
        ("between 120,000 and 125,000 vehicles", 120000, 125000, False, None, False),
        ("from 150,000 to 200,000 yuan", 150000, 200000, False, "CNY", False),
        ("twenty-five people", 25, None, False, None, False),
    ],
)
def test_find_numbers(
    text: str, amount: float, upper: float | None, approx: bool, currency: str | None, percent: bool
) -> None:
    numbers = find_numbers(text)
    assert len(numbers) == 1, numbers
    number = numbers[0]
    assert (number.amount, number.upper, number.approx, number.currency, number.percent) == (
        amount,
        upper,
        approx,
        currency,
        percent,
    )
    assert text[number.start : number.end].strip()


def test_no_numbers_inside_words() -> None:
    assert find_numbers("someone said Aito M8 and S800") == []
    assert find_numbers("one of the companies") == []


def test_year_flag() -> None:
    (year,) = find_numbers("in 2014")
    assert year.is_year
    (count,) = find_numbers("2,014 cars")
    assert not count.is_year
