"""Numbers in news text: digits, word numbers, scales, ranges, currencies, percentages, hedges.

``find_numbers(text)`` returns every numeric expression with its offsets; the caller decides what
the number counts (vehicles, parameters, people) from the words that follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.units import CURRENCIES, SCALES

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_APPROX = {
    "about", "around", "roughly", "approximately", "nearly", "almost", "some", "close to", "an estimated", "estimated", "more than", "over", "upwards of", "up to", "~", "approx.", "circa", "just under",
    "just over", "less than", "fewer than",
}  # fmt: skip

_WORD_NUM = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|eleven|twelve"
    r"|zero|one|two|three|four|five|six|seven|eight|nine|ten)\b"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUM = rf"(?:{_DIGITS}|{_WORD_NUM})"
_SCALE = r"(?:[ -]?(?:hundred|thousand|million|billion|trillion|mln|mn|bn|tn)\b|[kmbKMB](?!\w))"
_CUR_PRE = r"(?:US\$|HK\$|\$|€|£|¥|RMB|CNY|USD|EUR|HKD)"
_CUR_SUF = r"(?:yuan|RMB|CNY|USD|EUR|euros?|(?:US )?dollars|renminbi)"
_APPROX_RE = (
    # "handed over 42,013 vehicles" is an exact count: "over" there belongs to the verb
    r"(?:about|around|roughly|approximately|nearly|almost|some|close to|an estimated|estimated|more than"
    r"|(?<!handed )(?<!hands )(?<!hand )(?<!handing )over"
    r"|upwards of|up to|approx\.|circa|just under|just over|less than|fewer than|~)"
)

_NUMBER_RE = re.compile(
    rf"(?<!\w)(?:(?P<approx>{_APPROX_RE})\s+)?(?:(?P<between>between)\s+)?"
    rf"(?:(?P<cur>{_CUR_PRE})\s?)?"
    rf"(?<![\w.,])(?P<n1>{_NUM})(?P<s1>{_SCALE})?"
    rf"(?:\s*(?(between)(?:and|to|-|–)|(?:to|-|–|—))\s*(?:{_CUR_PRE}\s?)?(?P<n2>{_NUM})(?P<s2>{_SCALE})?)?"
    rf"(?:\s?(?P<cur2>{_CUR_SUF})\b)?"
    r"(?P<pct>\s?%|\s?percent\b|\s?per cent\b|\s?percentage points?\b)?"
    r"(?![\w.]\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Number:
    start: int
    end: int
    amount: float
    upper: float | None = None
    approx: bool = False
    currency: str | None = None
    percent: bool = False
    is_word: bool = False
    scaled: bool = False
    raw: str = ""

    @property
    def is_year(self) -> bool:
        return (
            (not self.raw or self.raw.isdigit())
            and not self.scaled
            and self.currency is None
            and not self.percent
            and self.upper is None
            and self.amount == int(self.amount)
            and 1900 <= self.amount <= 2100
        )


def word_to_number(text: str) -> float | None:
    text = text.lower().replace("-", " ").strip()
    parts = text.split()
    total = 0
    for part in parts:
        if part in _UNITS:
            total += _UNITS[part]
        elif part in _TENS:
            total += _TENS[part]
        else:
            return None
    return float(total)


def parse_plain(text: str) -> tuple[float, bool] | None:
    """A single number (digits or words); returns (value, was_words)."""
    text = text.strip()
    if not text:
        return None
    if text[0].isdigit():
        try:
            return float(text.replace(",", "")), False
        except ValueError:
            return None
    value = word_to_number(text)
    return (value, True) if value is not None else None


def _scale(word: str | None) -> float:
    if not word:
        return 1.0
    lowered = word.lower()
    return SCALES.get(lowered, 1.0)


_QUICK = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b",
    re.IGNORECASE,
)


def find_numbers(text: str) -> list[Number]:
    found: list[Number] = []
    if not _QUICK.search(text):
        return found
    for match in _NUMBER_RE.finditer(text):
        first = parse_plain(match["n1"])
        if first is None:
            continue
        amount, is_word = first
        s1 = (match["s1"] or "").strip(" -") or None
        s2 = (match["s2"] or "").strip(" -") or None
        upper: float | None = None
        scale2 = _scale(s2)
        if match["n2"]:
            second = parse_plain(match["n2"])
            if second is None:
                continue
            upper = second[0] * scale2
            is_word = is_word or second[1]
        scale1 = _scale(s1) if s1 else (scale2 if match["n2"] else 1.0)
        amount *= scale1
        end = match.end()
        currency = None
        cur = match["cur"] or match["cur2"]
        if cur:
            currency = CURRENCIES.get(cur.lower())
        approx_word = (match["approx"] or "").lower()
        start = match.start() if approx_word or match["cur"] or match["between"] else match.start("n1")
        if match["cur"] and not approx_word:
            start = match.start("cur")
        # a trailing word number without scale that is really an article ("one of the") is noise
        if is_word and not (s1 or s2) and match["n1"].lower() == "one" and not match["n2"]:
            continue
        found.append(
            Number(
                start=start,
                end=end,
                amount=amount,
                upper=upper,
                approx=approx_word in _APPROX,
                currency=currency,
                percent=bool(match["pct"]),
                is_word=is_word,
                scaled=bool(s1 or s2),
                raw=match["n1"],
            )
        )
    return found
