"""``/ev conflicts [company]``: where sources disagree, each value cited, and how to settle it."""

from __future__ import annotations

from bot.commands.registry import command
from bot.context import Context
from bot.grammar import quote_arg
from bot.present import CitationBook, fact_text
from bot.reply import Item, Reply, Section
from knowledge.facts import Fact, current_facts
from knowledge.vocabulary import PROPERTIES

USAGE = "/ev conflicts [company]   e.g. /ev conflicts xpeng"
MAX_SLOTS = 25


def _set_hint(fact: Fact) -> str:
    spec = PROPERTIES[fact.property]
    text = f"/ev fact set {fact.subject} {spec.id} <value>"
    for name in spec.slot_qualifiers:
        value = fact.qualifiers.get(name)
        if value:
            text += f" {name} {quote_arg(str(value))}"
    return text


@command(
    "conflicts",
    USAGE,
    "Show where sources disagree and how to settle it",
    max_args=1,
    examples=("/ev conflicts", "/ev conflicts li-auto"),
)
def conflicts(ctx: Context, args: list[str]) -> Reply:
    entities = [ctx.names.resolve(args[0])] if args else sorted(ctx.names.companies(), key=lambda e: e.id)
    with ctx.db.session() as session:
        facts = current_facts(session, [e.id for e in entities])
    book = CitationBook()
    sections: list[Section] = []
    total = 0
    for entity in entities:
        for fact in facts.get(entity.id, []):
            if not fact.conflicts or fact.property not in PROPERTIES:
                continue
            total += 1
            if len(sections) >= MAX_SLOTS:
                continue
            spec = PROPERTIES[fact.property]
            title = f"{entity.name_en} · {spec.label}"
            quals = [f"{k} {v}" for k, v in fact.qualifiers.items() if k in spec.slot_qualifiers and v]
            if quals:
                title += f" ({', '.join(quals)})"
            bullets = []
            for index, value in enumerate([fact, *fact.conflicts]):
                marker = "shown now" if index == 0 else "disputed"
                bullets.append(
                    Item(
                        text=f"{fact_text(value)} ({marker}, {value.status})",
                        citations=book.cite([value]),
                        note=f"claim #{value.claim_id}",
                    )
                )
            settle = " · ".join(f"/ev fact confirm {v.claim_id}" for v in [fact, *fact.conflicts])
            sections.append(
                Section(title=title, bullets=bullets, text=f"Settle: {settle} · or {_set_hint(fact)}")
            )
    scope = entities[0].name_en if args else "all companies"
    if not sections:
        sections.append(Section(text="No disputed values: the sources agree."))
    footer = f"Showing {MAX_SLOTS} of {total} disputed values." if total > MAX_SLOTS else None
    return Reply(
        title=f"Conflicts: {scope}",
        subtitle=f"{total} disputed value(s); confirming one overrides the others.",
        sections=sections,
        citations=book.citations,
        footer=footer,
    )
