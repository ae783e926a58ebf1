"""Date expressions in news text, resolved against the article's publication date.

A month or day without a year takes the publication year (or the year before when the month lies
after the publication month and the sentence is not about the future). Without a publication date
it stays year-less (``PartialDate(None, 9, 10)``), and purely relative expressions ("this year",
"last month") give nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.dates import PartialDate

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_ORDINAL_Q = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_PREP = r"(?:in|In|since|Since|during|During|by|By|from|From|until|Until|through|before|Before|after|After|of|early|Early|late|Late|mid-|end of|start of|beginning of|as of|As of)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("mdy", re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR}\b)?")),
    ("dmy", re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+{_YEAR}\b)?")),
    ("my", re.compile(rf"\b{_MONTH}(?:\s+of)?,?\s+{_YEAR}\b")),
    ("quarter", re.compile(
        r"\b(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter(?:\s+of\s+(?P<year>(?:19|20)\d{2}))?\b"
        r"|\bQ(?P<q2>[1-4])(?:\s*|\s*')(?:(?P<year2>(?:19|20)\d{2})|(?P<yy>\d{2})\b)?"
        r"|\b(?P<yq>(?:19|20)\d{2})[-\s]?Q(?P<q3>[1-4])\b"
    )),
    ("month", re.compile(rf"(?:\b{_PREP}\s+){_MONTH}(?!\s+\d)\b")),
    ("month_noun", re.compile(rf"\b{_MONTH}(?P<noun>\s+(?:deliveries|sales|figures|data|registrations))\b")),
    ("year", re.compile(rf"(?:\b{_PREP}\s+(?:the\s+(?:end|start|beginning|first half|second half)\s+of\s+)?){_YEAR}\b(?!\s*(?:-|to)\s*\d)")),
    ("fiscal_year", re.compile(rf"\b(?:full[- ]year|fiscal(?: year)?|FY)\s*{_YEAR}\b")),
    ("relative", re.compile(
        r"\b(?P<rel>this year|last year|next year|this month|last month|next month|earlier this month|"
        r"earlier this year|later this year|yesterday|today|the previous year|a year earlier)\b",
        re.IGNORECASE,
    )),
]  # fmt: skip
_FUTURE = re.compile(
    r"\b(?:will|plans? to|planned|expects?|expected|is set to|scheduled|aims? to|later this)\b"
)


_QUICK = re.compile(
    r"\d|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|\b(?:year|month|quarter|today|yesterday)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    date: PartialDate
    period: str  # "2025-10", "2025-Q3", "2025", "--10"
    kind: str


def _month_number(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


def _infer_year(month: int, published: PartialDate | None, future: bool) -> int | None:
    if published is None or published.year is None:
        return None
    if published.month is None:
        return published.year
    if month > published.month and not future:
        return published.year - 1
    return published.year


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def find_dates(text: str, published: PartialDate | None) -> list[DateMatch]:
    """Date expressions in ``text`` (usually one sentence), left to right, without overlaps."""
    found: list[DateMatch] = []
    if not _QUICK.search(text):
        return found
    future = bool(_FUTURE.search(text))
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            result = _resolve(kind, match, published, future)
            if result is None:
                continue
            date, period = result
            if kind in {"month", "year"}:
                start = match.start("month") if kind == "month" else match.start("year")
            if kind == "month_noun":
                end = match.start("noun")
            found.append(DateMatch(start, end, date, period, kind))
            taken.append((match.start(), match.end()))
    found.sort(key=lambda d: d.start)
    return found


def _resolve(
    kind: str, match: re.Match[str], published: PartialDate | None, future: bool
) -> tuple[PartialDate, str] | None:
    try:
        if kind in {"mdy", "dmy"}:
            month = _month_number(match["month"])
            day = int(match["day"])
            if match["month"].lower().startswith("may") and kind == "mdy" and day > 31:
                return None
            year = int(match["year"]) if match["year"] else _infer_year(month, published, future)
            date = PartialDate(year, month, day)
            return date, date.iso()
        if kind == "my":
            date = PartialDate(int(match["year"]), _month_number(match["month"]))
            return date, date.iso()
        if kind in {"month", "month_noun"}:
            month = _month_number(match["month"])
            date = PartialDate(_infer_year(month, published, future), month)
            return date, date.iso()
        if kind in {"year", "fiscal_year"}:
            date = PartialDate(int(match["year"]))
            return date, date.iso()
        if kind == "quarter":
            quarter = _ORDINAL_Q.get((match["q"] or "").lower()) or int(match["q2"] or match["q3"] or 0)
            year_text = match["year"] or match["year2"] or match["yq"]
            q_year: int | None = int(year_text) if year_text else None
            if q_year is None and match["yy"]:
                q_year = 2000 + int(match["yy"])
            if q_year is None and published is not None and published.year is not None:
                q_year = published.year
                if published.month is not None and quarter * 3 - 2 > published.month and not future:
                    q_year -= 1
            if not quarter:
                return None
            date = PartialDate(q_year, quarter * 3)
            return date, f"{q_year}-Q{quarter}" if q_year else f"--Q{quarter}"
        if kind == "relative":
            return _relative(match["rel"].lower(), published)
    except ValueError:
        return None
    return None


def _relative(rel: str, published: PartialDate | None) -> tuple[PartialDate, str] | None:
    if published is None or published.year is None:
        return None
    year = published.year
    if rel in {"this year", "earlier this year", "later this year"}:
        date = PartialDate(year)
    elif rel in {"last year", "the previous year", "a year earlier"}:
        date = PartialDate(year - 1)
    elif rel == "next year":
        date = PartialDate(year + 1)
    elif published.month is None:
        return None
    elif rel in {"this month", "earlier this month"}:
        date = PartialDate(year, published.month)
    elif rel == "last month":
        date = PartialDate(*_shift_month(year, published.month, -1))
    elif rel == "next month":
        date = PartialDate(*_shift_month(year, published.month, 1))
    elif rel == "today" and published.day is not None:
        date = published
    elif rel == "yesterday" and published.day is not None:
        from datetime import date as _date
        from datetime import timedelta

        day = _date(year, published.month, published.day) - timedelta(days=1)
        date = PartialDate.from_date(day)
    else:
        return None
    return date, date.iso()


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\bon\s+(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


def find_weekday(text: str, published: PartialDate | None) -> DateMatch | None:
    """ "on Thursday evening" → the last such weekday on or before the publication day (news reports
    past events); the next one when the sentence speaks of the future."""
    match = _WEEKDAY.search(text)
    if match is None or published is None or published.day is None:
        return None
    from datetime import date as _date
    from datetime import timedelta

    if published.year is None or published.month is None:
        return None
    day = _date(published.year, published.month, published.day)
    wanted = _WEEKDAYS.index(match["wd"].lower())
    if _FUTURE.search(text):
        delta = (wanted - day.weekday()) % 7
        resolved = day + timedelta(days=delta)
    else:
        delta = (day.weekday() - wanted) % 7
        resolved = day - timedelta(days=delta)
    date = PartialDate.from_date(resolved)
    return DateMatch(match.start("wd"), match.end("wd"), date, date.iso(), "weekday")
