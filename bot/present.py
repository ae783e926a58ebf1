"""Turning facts into cited reply items: numbering sources, grouping an item's details, marking conflicts."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from bot.reply import Citation, Item
from knowledge.dates import PartialDate
from knowledge.facts import Fact, Source
from knowledge.values import normalise_name
from knowledge.vocabulary import GROUPS, PROPERTIES, PropertySpec


@dataclass
class CitationBook:
    """Numbers sources in the order they are first cited."""

    citations: list[Citation] = field(default_factory=list)
    _numbers: dict[str, int] = field(default_factory=dict)

    def number(self, source: Source) -> int:
        if source.key in self._numbers:
            return self._numbers[source.key]
        n = len(self.citations) + 1
        self._numbers[source.key] = n
        published = PartialDate.parse(source.published).human() if source.published else None
        self.citations.append(
            Citation(
                n=n,
                publisher=source.publisher,
                published=published,
                url=source.url,
                title=source.title,
                admin=source.admin,
                admin_on=source.admin_at.date().isoformat() if source.admin_at else None,
            )
        )
        return n

    def cite(self, facts: list[Fact]) -> list[int]:
        numbers: list[int] = []
        for fact in facts:
            for source in fact.sources:
                n = self.number(source)
                if n not in numbers:
                    numbers.append(n)
        return numbers


def plural(spec: PropertySpec) -> str:
    if spec.cardinality == "single":
        return spec.label
    special = {"key_person": "Key people", "adas_hardware_vehicle": spec.label}
    if spec.id in special:
        return special[spec.id]
    return spec.label if spec.label.endswith("s") else spec.label + "s"


# How a descriptive qualifier reads after a value; unlisted qualifiers show their value alone.
_SLUG = re.compile(r"[a-z]+(?:-[a-z]+)+")
_QUALIFIER_PREFIX = {"formerly": "formerly ", "market": "in ", "region": "", "trim": "", "investor": "from "}


def qualifier_texts(fact: Fact, in_item: bool = False) -> list[str]:
    """The qualifiers worth showing beside a value: period first, never one that repeats the value
    or names the item a detail belongs to (that item is already the heading)."""
    if not fact.qualifiers:
        return []
    spec = PROPERTIES[fact.property]
    value_norm = normalise_name(fact.value.display())
    texts: list[str] = []
    for name, raw in sorted(fact.qualifiers.items(), key=lambda kv: kv[0] != "period"):
        value = str(raw)
        if (
            not value
            or (in_item and spec.item_of and name == spec.item_key)
            or normalise_name(value) == value_norm
        ):
            continue
        if _SLUG.fullmatch(value):  # a key like "north-america" reads as "North America"
            value = value.replace("-", " ").title()
        texts.append(_QUALIFIER_PREFIX.get(name, "") + value)
    return texts


def fact_text(fact: Fact, with_as_of: bool = True, in_item: bool = False) -> str:
    """A value with its qualifiers and as-of date. ``in_item``: shown inside the item it describes
    (the Munich site's opening date), so the item's name is not repeated."""
    text = fact.value.display()
    extra = qualifier_texts(fact, in_item)
    if extra:
        text += f" ({', '.join(extra)})"
    # a time series' period already says when ("30,000 vehicles (2026-10)"): no "as of Oct 2026" too
    if with_as_of and fact.as_of is not None and fact.as_of.iso() != str(fact.qualifiers.get("period", "")):
        text += f", as of {fact.as_of.human()}"
    return text


def _conflict_items(fact: Fact, book: CitationBook) -> list[Item]:
    return [
        Item(text=fact_text(other), citations=book.cite([other]), note=f"claim #{other.claim_id}")
        for other in fact.conflicts
    ]


def _detail_text(spec: PropertySpec, facts: list[Fact], item_as_of: PartialDate | None = None) -> str:
    # a detail dated like its item ("Hefei, as of 20 Nov") does not repeat the date
    values = ", ".join(fact_text(f, with_as_of=f.as_of != item_as_of, in_item=True) for f in facts)
    if not spec.detail_label:
        return values
    # a date reads "since 2018"; anything else gets a label and colon: "focus: chassis, ..."
    joiner = " " if spec.value_type == "date" else ": "
    return f"{spec.detail_label}{joiner}{values}"


@dataclass
class Row:
    property: PropertySpec
    items: list[Item]
    hidden: int = 0  # items left out by the limit


MORE_NOTE = "more"


def _newest_first(fact: Fact) -> tuple[str, int]:
    period = str(fact.qualifiers.get("period", ""))
    return (period or (fact.as_of.sort_key() if fact.as_of else ""), -fact.claim_id)


def rows_for(facts: list[Fact], book: CitationBook, limit: int | None = None) -> list[Row]:
    """One row per head property (a property no other property describes), in vocabulary order.

    Details (``item_of``) are folded into their item: the Munich R&D site shows its opening date
    and focus in one cell entry, cited to every source of every part. With ``limit``, a row shows
    that many items (time series newest first) and then "…and N more"; only shown items are cited.
    """
    by_property: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.property in PROPERTIES:
            by_property[fact.property].append(fact)
    details: dict[tuple[str, str], dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
    for prop_id, prop_facts in by_property.items():
        spec = PROPERTIES[prop_id]
        if spec.item_of and spec.item_key:
            for fact in prop_facts:
                details[(spec.item_of, str(fact.qualifiers.get(spec.item_key, "")))][prop_id].append(fact)
    rows: list[Row] = []
    for spec in _HEADS:
        entries = _entries(spec, by_property.get(spec.id, []), details)
        if not entries:
            continue
        shown = entries if limit is None else entries[:limit]
        items = [entry(book) for entry in shown]
        hidden = len(entries) - len(shown)
        if hidden:
            items.append(Item(text=f"…and {hidden} more", note=MORE_NOTE))
        rows.append(Row(spec, items, hidden))
    return rows


_HEADS = [
    spec
    for spec in sorted(
        PROPERTIES.values(), key=lambda s: GROUPS.index(s.group) if s.group in GROUPS else len(GROUPS)
    )
    if not spec.item_of
]


def _entries(
    spec: PropertySpec, head_facts: list[Fact], details: dict[tuple[str, str], dict[str, list[Fact]]]
) -> list[Callable[[CitationBook], Item]]:
    """The items of one row, not yet rendered: rendering (and citing) happens only for shown ones."""
    item_key = spec.slot_qualifiers[0] if spec.slot_qualifiers else None
    if any("period" in f.qualifiers for f in head_facts):
        head_facts = sorted(head_facts, key=_newest_first, reverse=True)
    else:
        head_facts = sorted(head_facts, key=lambda f: f.claim_id)
    entries: list[Callable[[CitationBook], Item]] = []
    used_keys: set[str] = set()
    for fact in head_facts:
        key = str(fact.qualifiers.get(item_key, "")) if item_key else ""
        parts = details.get((spec.id, key), {}) if item_key else {}
        used_keys.add(key)
        entries.append(partial(_head_item, fact, parts))
    # details whose item was never named as such still deserve a line
    for (head, key), parts in details.items():
        if head != spec.id or key in used_keys:
            continue
        for prop_id, group in parts.items():
            entries.append(partial(_orphan_item, key, prop_id, group))
    return entries


def _head_item(fact: Fact, parts: dict[str, list[Fact]], book: CitationBook) -> Item:
    cited = [fact, *(f for group in parts.values() for f in group)]
    text = fact_text(fact)
    detail_texts = [_detail_text(PROPERTIES[p], fs, fact.as_of) for p, fs in parts.items()]
    if detail_texts:
        text += f" ({'; '.join(detail_texts)})"
    conflicts = _conflict_items(fact, book)
    for group in parts.values():
        for detail in group:
            conflicts += _conflict_items(detail, book)
    return Item(text=text, citations=book.cite(cited), conflicts=conflicts, note=f"claim #{fact.claim_id}")


def _orphan_item(key: str, prop_id: str, group: list[Fact], book: CitationBook) -> Item:
    label = key.replace("-", " ").title() if key else PROPERTIES[prop_id].label
    conflicts = [c for f in group for c in _conflict_items(f, book)]
    return Item(
        text=f"{label}: {_detail_text(PROPERTIES[prop_id], group)}",
        citations=book.cite(group),
        conflicts=conflicts,
    )
