"""Typed claim values and their normalised keys.

A value's ``key()`` is what decides whether two claims say the same thing: equal keys
merge (more evidence for one claim), different keys in one slot are a conflict.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from knowledge.dates import PartialDate

_SCALES = [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")]
_CURRENCY_SYMBOLS = {"USD": "US$", "CNY": "RMB ", "EUR": "€", "HKD": "HK$", "GBP": "£", "JPY": "¥"}


@lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """Fold case, width and punctuation: ``Li-Auto``, ``li auto`` and ``LI AUTO`` are one name."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _number(amount: float) -> str:
    if amount == int(amount):
        return f"{int(amount):,}"
    return f"{amount:,.2f}".rstrip("0").rstrip(".")


def _scaled(amount: float) -> str:
    for scale, word in _SCALES:
        if abs(amount) >= scale:
            return f"{_number(round(amount / scale, 2))} {word}"
    return _number(amount)


@dataclass(frozen=True)
class Quantity:
    amount: float
    unit: str
    upper: float | None = None
    approx: bool = False

    kind = "quantity"

    def key(self) -> str:
        upper = f"..{self.upper:g}" if self.upper is not None else ""
        return f"q:{self.amount:g}{upper}:{self.unit}"

    def display(self) -> str:
        if self.unit == "percent":
            core = f"{_number(self.amount)}%"
            if self.upper is not None:
                core = f"{_number(self.amount)}–{_number(self.upper)}%"
        elif self.unit in _CURRENCY_SYMBOLS:
            symbol = _CURRENCY_SYMBOLS[self.unit]
            core = f"{symbol}{_scaled(self.amount)}"
            if self.upper is not None:
                core += f"–{_scaled(self.upper)}"
        else:
            if self.upper is not None:
                low, high = _scaled(self.amount), _scaled(self.upper)
                low_parts, high_parts = low.split(" "), high.split(" ")
                if len(low_parts) == 2 and len(high_parts) == 2 and low_parts[1] == high_parts[1]:
                    core = f"{low_parts[0]}–{high}"
                else:
                    core = f"{low}–{high}"
            else:
                core = _scaled(self.amount)
            if self.unit:
                core = f"{core} {self.unit}"
        return f"about {core}" if self.approx else core


@dataclass(frozen=True)
class EntityRef:
    entity_id: str
    name: str

    kind = "entity"

    def key(self) -> str:
        return f"e:{self.entity_id}"

    def display(self) -> str:
        return self.name


@dataclass(frozen=True)
class DateValue:
    date: PartialDate

    kind = "date"

    def key(self) -> str:
        return f"d:{self.date.iso()}"

    def display(self) -> str:
        return self.date.human()


@dataclass(frozen=True)
class Text:
    text: str

    kind = "text"

    def key(self) -> str:
        return f"t:{normalise_name(self.text)}"

    def display(self) -> str:
        return self.text


Value = Quantity | EntityRef | DateValue | Text

_WS = re.compile(r"\s+")


def clean_text(text: str) -> str:
    return _WS.sub(" ", text).strip()
