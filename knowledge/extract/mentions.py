"""Entity mentions through the gazetteer's aliases.

One compiled alternation per gazetteer (cached by gazetteer object). All-caps aliases of up to
five characters (tickers such as ``LI``, ``NIO``) match exactly; other Latin aliases match as
written, upper-cased or capitalised, so a mention always starts with a capital ("firefly" is not
Firefly) and the regex needs no case folding.
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
        latin: dict[str, str] = {}
        cjk: dict[str, str] = {}
        pinyin: set[str] = set()
        for alias in gazetteer.aliases:
            text = alias.alias.strip()
            if len(text) < 2 or alias.entity_id not in gazetteer.entities:
                continue
            if _CJK.search(text):
                cjk.setdefault(text, alias.entity_id)
                continue
            if (text.isupper() and len(text) <= 5) or text[:1].isdigit():
                variants = {text}  # tickers and codes: exact case only
            else:
                variants = {text, text.upper(), text.title(), text[:1].upper() + text[1:], _cap_words(text)}
            for variant in variants:
                latin.setdefault(variant, alias.entity_id)
                if alias.lang == "pinyin":
                    pinyin.add(variant)
        self._latin = latin
        self._cjk = cjk
        self._pinyin = pinyin
        body = "|".join(re.escape(n) for n in sorted(latin, key=len, reverse=True))
        self._latin_re = re.compile(rf"(?<![\w&.-])(?:{body})(?![\w&]|-\w|\.\w)") if latin else None
        self._cjk_re = (
            re.compile("|".join(re.escape(t) for t in sorted(cjk, key=len, reverse=True))) if cjk else None
        )

    def find(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        if self._latin_re is not None:
            for match in self._latin_re.finditer(text):
                name = match.group()
                if name in self._pinyin and _SURNAME_BEFORE.search(text, 0, match.start()):
                    continue  # "He Xiaopeng", "Li Xiang": a person, not the company's pinyin name
                found.append(self._mention(text, match, self._latin[name]))
        if self._cjk_re is not None and _CJK.search(text):
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


def _cap_words(text: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in text.split(" "))


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
