"""Sentence splitting with exact character offsets into the original text.

The splitter is rule-based: a candidate boundary is ``.``, ``!`` or ``?`` (optionally followed by
closing quotes or brackets) and then whitespace. Abbreviations ("Oct.", "Mr.", "e.g.") never end a
sentence; corporate and country abbreviations ("Inc.", "Co.", "U.S.") end one only when the next
word is a typical sentence opener. Decimals ("4.0") are never split because no whitespace follows
the point. Line breaks always end a sentence (paragraphs, headings, list items).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Never a sentence end when followed by a capitalised word.
_ALWAYS_CONTINUE = {
    "mr", "mrs", "ms", "dr", "prof", "st", "vs", "no", "gen", "sen", "rep", "approx", "est", "fig",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "e.g", "i.e", "cf", "etc.,", "a.m", "p.m",
}  # fmt: skip
# A sentence end only when the next word is a usual sentence opener.
_MAYBE_END = {
    "inc",
    "co",
    "ltd",
    "corp",
    "u.s",
    "u.k",
    "u.s.a",
    "e.u",
    "jr",
    "sr",
    "etc",
    "bhd",
    "plc",
    "llc",
}
_OPENERS = {
    "The", "It", "Its", "This", "That", "These", "Those", "In", "On", "At", "A", "An", "He", "She",
    "They", "We", "I", "But", "And", "However", "Meanwhile", "According", "As", "After", "Before",
    "Since", "While", "When", "With", "For", "Shares", "Analysts", "Earlier", "Last", "Next",
}  # fmt: skip

_BOUNDARY = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s)|\n")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_NEXT_WORD = re.compile(r"\s*[\"“‘(]?([\w$€£¥]+)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def text(self, body: str) -> str:
        return body[self.start : self.end]


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    if match.group() == "\n":
        return True
    punct_start = match.start()
    if text[punct_start] != ".":
        return True
    before = _WORD_BEFORE.search(text, max(0, punct_start - 12), punct_start)
    nxt = _NEXT_WORD.match(text, match.end())
    next_word = nxt.group(1) if nxt else ""
    if next_word and (next_word[0].islower() or next_word[0].isdigit()):
        return False
    if before:
        word = before.group(1).lower().rstrip(".")
        if word in _ALWAYS_CONTINUE:
            return False
        if word in _MAYBE_END:
            return next_word in _OPENERS
        if len(word) == 1 and word.isalpha() and before.group(1)[0].isupper():
            return False  # an initial: "J. Smith"
    return True


def split_sentences(text: str) -> list[Span]:
    """Sentence spans (start, end) into ``text``, trimmed of surrounding whitespace."""
    spans: list[Span] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if not _is_boundary(text, match):
            continue
        end = match.end() if match.group() != "\n" else match.start()
        _append(text, start, end, spans)
        start = match.end()
    _append(text, start, len(text), spans)
    return spans


def _append(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))
