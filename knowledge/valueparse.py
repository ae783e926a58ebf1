"""Values as admins type them, read and checked against a property's declared type and unit.

``parse_value(spec, "72 billion parameters")`` returns a typed value or raises ``ValueParseError``
whose message names what the property expects (``Employees takes a number of people ...``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from knowledge.dates import PartialDate
from knowledge.units import CURRENCIES, SCALES
from knowledge.values import DateValue, EntityRef, Quantity, Text, Value, clean_text
from knowledge.vocabulary import PropertySpec


class ValueParseError(ValueError):
    """The text is not a value of the property's type or unit; the message says what is expected."""


_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")]
    )
    for name in names
}  # fmt: skip


# Unit words → canonical unit of the vocabulary.
_UNIT_WORDS = {
    "people": "people", "person": "people", "persons": "people", "employees": "people", "employee": "people",
    "staff": "people", "engineers": "people", "workers": "people", "researchers": "people",
    "parameters": "parameters", "parameter": "parameters", "params": "parameters",
    "vehicles": "vehicles", "vehicle": "vehicles", "cars": "vehicles", "units": "vehicles", "evs": "vehicles",
    "deliveries": "vehicles",
    "hubs": "hubs", "hub": "hubs", "centres": "hubs", "centers": "hubs",
    "markets": "markets", "market": "markets", "countries": "markets",
    "tops": "TOPS",
    "%": "percent", "percent": "percent", "per cent": "percent", "pct": "percent",
    "vehicles/year": "vehicles/year", "vehicles per year": "vehicles/year", "units/year": "vehicles/year",
    "units per year": "vehicles/year", "vehicles a year": "vehicles/year", "per year": "vehicles/year",
    "/year": "vehicles/year", "a year": "vehicles/year", "cars per year": "vehicles/year",
}  # fmt: skip

_UNIT_NAMES = {
    "people": "people",
    "percent": "percent (%)",
    "CNY": "CNY (RMB)",
    "USD": "USD (US$)",
    "EUR": "EUR (€)",
}
_EXAMPLES = {
    "people": "12,000 people", "parameters": "72 billion parameters", "vehicles": "35,000 vehicles",
    "CNY": "RMB 150,000", "USD": "US$500 million", "EUR": "€20 million", "percent": "12%", "TOPS": "508 TOPS",
    "hubs": "5 hubs", "markets": "30 markets", "vehicles/year": "200,000 vehicles/year",
}  # fmt: skip

_APPROX = re.compile(
    r"^(?:about|around|roughly|approximately|approx\.?|nearly|some|circa|~)\s*", re.IGNORECASE
)
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
_QUANTITY = re.compile(
    rf"^(?P<cur>us\$|hk\$|rmb|cny|usd|eur|hkd|gbp|jpy|\$|€|£|¥)?\s*"
    rf"(?P<n1>{_NUMBER})\s*(?P<s1>(?:thousand|million|billion|trillion|mln|mn|bn|tn|k|m|b)(?![a-z])|万|亿)?"
    rf"(?:\s*(?:-|–|—|to)\s*(?:us\$|rmb|\$|€|£|¥)?\s*(?P<n2>{_NUMBER})\s*"
    rf"(?P<s2>(?:thousand|million|billion|trillion|mln|mn|bn|tn|k|m|b)(?![a-z])|万|亿)?)?"
    r"(?:\s*(?P<unit>.*))?$",
    re.IGNORECASE,
)


def expected(spec: PropertySpec) -> str:
    """What the property takes, in words, with an example: used in every error message."""
    if spec.value_type == "quantity":
        unit = spec.unit or "a number"
        names = [_UNIT_NAMES.get(u, u) for u in (unit, *spec.units)]
        example = _EXAMPLES.get(unit, f"42 {unit}")
        return f"{spec.label} takes a number of {' or '.join(names)}, e.g. {example}"
    if spec.value_type == "date":
        return f"{spec.label} takes a date: 2024, 2024-01, 2024-01-15 or Jan 2024"
    if spec.value_type == "entity":
        return f"{spec.label} takes the name of a tracked company or organisation"
    return f'{spec.label} takes text, e.g. "Jane Doe"'


def parse_date(text: str) -> PartialDate:
    """ISO partial dates (``2024``, ``2024-01``, ``2024-01-15``) or ``Jan 2024`` / ``15 January 2024``."""
    cleaned = text.strip().rstrip(".")
    try:
        return PartialDate.parse(cleaned.replace("/", "-"))
    except ValueError:
        pass
    parts = cleaned.replace(",", " ").split()
    words = [p.lower().rstrip(".") for p in parts]
    try:
        if len(words) == 2 and words[0] in _MONTHS and words[1].isdigit():
            return PartialDate(int(words[1]), _MONTHS[words[0]])
        if len(words) == 3 and words[0].isdigit() and words[1] in _MONTHS and words[2].isdigit():
            return PartialDate(int(words[2]), _MONTHS[words[1]], int(words[0]))
        if len(words) == 3 and words[0] in _MONTHS and words[1].isdigit() and words[2].isdigit():
            return PartialDate(int(words[2]), _MONTHS[words[0]], int(words[1]))
    except ValueError as exc:
        raise ValueParseError(f"“{text}” is not a valid date ({exc})") from exc
    raise ValueParseError(f"“{text}” is not a date")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _unit_of(word: str) -> str | None:
    lowered = clean_text(word).lower()
    if lowered in CURRENCIES:
        return CURRENCIES[lowered]
    if lowered in _UNIT_WORDS:
        return _UNIT_WORDS[lowered]
    if word.strip().upper() in ("CNY", "USD", "EUR", "TOPS"):
        return word.strip().upper()
    return None


def parse_quantity(spec: PropertySpec, text: str) -> Quantity:
    raw = clean_text(text)
    approx = bool(_APPROX.match(raw))
    body = _APPROX.sub("", raw)
    match = _QUANTITY.match(body)
    if match is None:
        raise ValueParseError(f"“{text}” is not a number. {expected(spec)}.")
    amount = _number(match["n1"])
    s1, s2 = match["s1"], match["s2"]
    upper: float | None = None
    if match["n2"]:
        upper = _number(match["n2"]) * SCALES[s2.lower()] if s2 else _number(match["n2"])
        if s2 and not s1:
            s1 = s2
    if s1:
        amount *= SCALES[s1.lower()]
    if upper is not None and s1 and not s2:
        upper *= SCALES[s1.lower()]
    units: list[str] = []
    if match["cur"]:
        units.append(CURRENCIES[match["cur"].lower()])
    tail = (match["unit"] or "").strip()
    if tail:
        unit = _unit_of(tail)
        if unit is None:
            raise ValueParseError(f"I don't know the unit “{tail}”. {expected(spec)}.")
        units.append(unit)
    if len(set(units)) > 1:
        raise ValueParseError(f"“{text}” names two units ({', '.join(units)}). {expected(spec)}.")
    accepted = tuple(u for u in (spec.unit, *spec.units) if u)
    if units:
        unit = units[0]
        if accepted and unit not in accepted:
            raise ValueParseError(
                f"{spec.label} is measured in {' or '.join(accepted)}, not {unit}. {expected(spec)}."
            )
    elif spec.unit in CURRENCIES.values():
        # a bare amount of money is ambiguous: which currency?
        raise ValueParseError(f"“{text}” has no currency. {expected(spec)}.")
    else:
        unit = spec.unit or ""
    if upper is not None and upper < amount:
        raise ValueParseError(f"“{text}”: the upper end of a range must not be below its lower end.")
    return Quantity(amount, unit, upper, approx)


def parse_value(
    spec: PropertySpec, text: str, resolve_entity: Callable[[str], tuple[str, str]] | None = None
) -> Value:
    """Read ``text`` as a value of ``spec``; raise ``ValueParseError`` naming the expected type and unit."""
    cleaned = clean_text(text)
    if not cleaned:
        raise ValueParseError(f"The value is empty. {expected(spec)}.")
    if spec.value_type == "quantity":
        return parse_quantity(spec, cleaned)
    if spec.value_type == "date":
        try:
            return DateValue(parse_date(cleaned))
        except ValueParseError as exc:
            raise ValueParseError(f"{exc}. {expected(spec)}.") from exc
    if spec.value_type == "entity":
        if resolve_entity is None:
            raise ValueParseError(f"{expected(spec)}; names cannot be resolved here.")
        entity_id, name = resolve_entity(cleaned)
        return EntityRef(entity_id, name)
    if len(cleaned) > 500:
        raise ValueParseError(f"The text is too long ({len(cleaned)} characters; at most 500).")
    return Text(cleaned)


def qualifier_value(text: str) -> str:
    """Qualifier values are slugs, as the extractor writes them (``Silicon Valley`` → ``silicon-valley``)."""
    slug = re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.")
    return slug or clean_text(text)
