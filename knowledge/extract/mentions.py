"""Entity mentions through the gazetteer's aliases.

One compiled alternation per gazetteer (cached on the gazetteer object). All-caps aliases of up to
five characters (tickers such as ``LI``, ``NIO``) match case-sensitively; other Latin aliases match
regardless of case but must start with a capital letter in the text ("firefly" is not Firefly).
Chinese aliases need no word boundaries. A possessive ``'s``/``’s`` is part of the mention span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.gazetteer import Gazetteer

_CJK = re.compile(r"[\u3400-\u9fff]")
_SURNAME_BEFORE = re.compile(r"(?<![\w])[A-Z][a-z]{0,5}\s$")


@dataclass(frozen=True)
class Mention:
    entity_id: str
    start: int
    end: int  # end of the name (without the possessive)
    text: str
    possessive: bool = False


class AliasMatcher:
    def __init__(self, gazetteer: Gazetteer) -> None:
        exact: dict[str, str] = {}
        folded: dict[str, str] = {}
        cjk: dict[str, str] = {}
        pinyin: set[str] = set()
        for alias in gazetteer.aliases:
            text = alias.alias.strip()
            if len(text) < 2 or alias.entity_id not in gazetteer.entities:
                continue
            if _CJK.search(text):
                cjk.setdefault(text, alias.entity_id)
            elif (text.isupper() and len(text) <= 5) or any(ch.isdigit() for ch in text[:1]):
                exact.setdefault(text, alias.entity_id)
            else:
                folded.setdefault(text.casefold(), alias.entity_id)
                if alias.lang == "pinyin":
                    pinyin.add(text.casefold())
        self._exact = exact
        self._folded = folded
        self._cjk = cjk
        self._pinyin = pinyin
        self._exact_re = self._compile(list(exact), 0)
        self._folded_re = self._compile(list(folded), re.IGNORECASE)
        self._cjk_re = (
            re.compile("|".join(re.escape(t) for t in sorted(cjk, key=len, reverse=True))) if cjk else None
        )

    @staticmethod
    def _compile(names: list[str], flags: int) -> re.Pattern[str] | None:
        if not names:
            return None
        body = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return re.compile(rf"(?<![\w&.-])(?:{body})(?![\w&]|-\w|\.\w)", flags)

    def find(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        if self._folded_re is not None:
            for match in self._folded_re.finditer(text):
                if not match.group()[0].isupper() and not match.group()[0].isdigit():
                    continue
                if match.group().casefold() in self._pinyin and _SURNAME_BEFORE.search(
                    text, 0, match.start()
                ):
                    continue  # "He Xiaopeng", "Li Xiang": a person, not the company's pinyin name
                found.append(self._mention(text, match, self._folded[match.group().casefold()]))
        if self._exact_re is not None:
            for match in self._exact_re.finditer(text):
                found.append(self._mention(text, match, self._exact[match.group()]))
        if self._cjk_re is not None:
            for match in self._cjk_re.finditer(text):
                found.append(Mention(self._cjk[match.group()], match.start(), match.end(), match.group()))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        result: list[Mention] = []
        for mention in found:
            if result and mention.start < result[-1].end:
                continue
            result.append(mention)
        return result

    @staticmethod
    def _mention(text: str, match: re.Match[str], entity_id: str) -> Mention:
        tail = text[match.end() : match.end() + 2]
        possessive = tail in {"'s", "’s"} or (tail[:1] in {"'", "’"} and match.group().endswith("s"))
        return Mention(entity_id, match.start(), match.end(), match.group(), possessive)


_ID_CACHE: dict[int, tuple[Gazetteer, AliasMatcher]] = {}


def matcher_for(gazetteer: Gazetteer) -> AliasMatcher:
    """The alias matcher of ``gazetteer``, built once per gazetteer object."""
    cached = _ID_CACHE.get(id(gazetteer))
    if cached is not None and cached[0] is gazetteer and len(cached[0].aliases) == len(gazetteer.aliases):
        return cached[1]
    matcher = AliasMatcher(gazetteer)
    if len(_ID_CACHE) > 32:
        _ID_CACHE.clear()
    _ID_CACHE[id(gazetteer)] = (gazetteer, matcher)
    return matcher
