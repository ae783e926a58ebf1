"""Turning facts into cited reply items: numbering sources, grouping an item's details, marking conflicts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

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
_QUALIFIER_PREFIX = {"formerly": "formerly ", "market": "in ", "region": "", "trim": "", "investor": "from "}


def qualifier_texts(fact: Fact) -> list[str]:
    """The qualifiers worth showing beside a value: period first, never one that repeats the value
    or names the item a detail belongs to (that item is already the heading)."""
    spec = PROPERTIES[fact.property]
    value_norm = normalise_name(fact.value.display())
    texts: list[str] = []
    for name, raw in sorted(fact.qualifiers.items(), key=lambda kv: kv[0] != "period"):
        value = str(raw)
        if not value or (spec.item_of and name == spec.item_key) or normalise_name(value) == value_norm:
            continue
        texts.append(_QUALIFIER_PREFIX.get(name, "") + value)
    return texts


def fact_text(fact: Fact, with_as_of: bool = True) -> str:
    text = fact.value.display()
    extra = qualifier_texts(fact)
    if extra:
        text += f" ({', '.join(extra)})"
    if with_as_of and fact.as_of is not None:
        text += f", as of {fact.as_of.human()}"
    return text


def _conflict_items(fact: Fact, book: CitationBook) -> list[Item]:
    return [
        Item(text=fact_text(other), citations=book.cite([other]), note=f"claim #{other.claim_id}")
        for other in fact.conflicts
    ]


def _detail_text(spec: PropertySpec, facts: list[Fact]) -> str:
    values = ", ".join(fact_text(f) for f in facts)
    if not spec.detail_label:
        return values
    # a date reads "since 2018"; anything else gets a label and colon: "focus: chassis, ..."
    joiner = " " if spec.value_type == "date" else ": "
    return f"{spec.detail_label}{joiner}{values}"


@dataclass
class Row:
    property: PropertySpec
    items: list[Item]


def rows_for(facts: list[Fact], book: CitationBook) -> list[Row]:
    """One row per head property (a property no other property describes), in vocabulary order.

    Details (``item_of``) are folded into their item: the Munich R&D site shows its opening date
    and focus in one cell entry, cited to every source of every part.
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
    ordered = sorted(
        PROPERTIES.values(), key=lambda s: GROUPS.index(s.group) if s.group in GROUPS else len(GROUPS)
    )
    for spec in ordered:
        if spec.item_of:
            continue
        head_facts = sorted(by_property.get(spec.id, []), key=lambda f: f.claim_id)
        items: list[Item] = []
        used_keys: set[str] = set()
        item_key = spec.slot_qualifiers[0] if spec.slot_qualifiers else None
        for fact in head_facts:
            key = str(fact.qualifiers.get(item_key, "")) if item_key else ""
            parts = details.get((spec.id, key), {}) if item_key else {}
            used_keys.add(key)
            cited = [fact, *(f for group in parts.values() for f in group)]
            text = fact_text(fact)
            detail_texts = [_detail_text(PROPERTIES[p], fs) for p, fs in parts.items()]
            if detail_texts:
                text += f" ({'; '.join(detail_texts)})"
            conflicts = _conflict_items(fact, book)
            for group in parts.values():
                for detail in group:
                    conflicts += _conflict_items(detail, book)
            items.append(
                Item(
                    text=text, citations=book.cite(cited), conflicts=conflicts, note=f"claim #{fact.claim_id}"
                )
            )
        # details whose item was never named as such still deserve a line
        for (head, key), parts in details.items():
            if head != spec.id or key in used_keys:
                continue
            for prop_id, group in parts.items():
                label = key.replace("-", " ").title() if key else PROPERTIES[prop_id].label
                conflicts = [c for f in group for c in _conflict_items(f, book)]
                items.append(
                    Item(
                        text=f"{label}: {_detail_text(PROPERTIES[prop_id], group)}",
                        citations=book.cite(group),
                        conflicts=conflicts,
                    )
                )
        if items:
            rows.append(Row(spec, items))
    return rows
