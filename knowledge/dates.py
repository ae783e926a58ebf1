"""Partial dates: a date known to the year, the month or the day, possibly without its year.

Stored as ISO-8601-like text so that it sorts and compares as text:
``2024`` (year), ``2024-01`` (month), ``2024-01-15`` (day); when the year is unknown
(an undated article says "in November"), ``--11`` (month) or ``--09-10`` (day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Precision = Literal["year", "month", "day"]

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_PATTERN = re.compile(r"^(?:(?P<year>\d{4})|-)(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int | None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.year is None and self.month is None:
            raise ValueError("a partial date needs at least a year or a month")
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        if self.day is not None:
            date(self.year or 2000, self.month or 1, self.day)  # validates the day

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def has_year(self) -> bool:
        return self.year is not None

    def iso(self) -> str:
        head = f"{self.year:04d}" if self.year is not None else "-"
        if self.month is None:
            return head
        text = f"{head}-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def human(self) -> str:
        """Short display form: ``Jan 2024``, ``10 Sep 2025``, ``Nov (year not given)``."""
        parts: list[str] = []
        if self.day is not None:
            parts.append(str(self.day))
        if self.month is not None:
            parts.append(_MONTHS[self.month - 1])
        if self.year is not None:
            parts.append(str(self.year))
        text = " ".join(parts)
        return text if self.year is not None else f"{text} (year not given)"

    def sort_key(self) -> str:
        return self.iso().replace("-", "0", 1) if self.year is None else self.iso()

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"not a partial date: {text!r}")
        year = int(match["year"]) if match["year"] else None
        month = int(match["month"]) if match["month"] else None
        day = int(match["day"]) if match["day"] else None
        return cls(year, month, day)

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        return cls(value.year, value.month, value.day)


def parse_optional(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text else None
