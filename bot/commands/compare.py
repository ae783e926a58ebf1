"""``/ev compare A B [C] [D]``: a side-by-side table, every cell cited, conflicts marked."""

from __future__ import annotations

from bot.commands.registry import command
from bot.context import Context
from bot.grammar import UsageError
from bot.present import CitationBook, plural, rows_for
from bot.reply import Item, Reply, Section, Table, TableRow
from knowledge.facts import current_facts

USAGE = "/ev compare <company> <company> [company] [company]   e.g. /ev compare xpeng li-auto"


@command(
    "compare",
    USAGE,
    "Compare 2–4 companies side by side",
    min_args=2,
    max_args=4,
    examples=("/ev compare xpeng li-auto", "/ev compare nio xpeng li-auto"),
)
def compare(ctx: Context, args: list[str]) -> Reply:
    entities = [ctx.names.resolve(name) for name in args]
    ids = [e.id for e in entities]
    if len(set(ids)) != len(ids):
        raise UsageError("Each company can appear only once in a comparison.", USAGE)
    with ctx.db.session() as session:
        facts = current_facts(session, ids)
    book = CitationBook()
    per_entity = {
        entity_id: {row.property.id: row for row in rows_for(facts[entity_id], book)} for entity_id in ids
    }
    table = Table(columns=[e.name_en for e in entities])
    conflicts = 0
    seen: list[str] = []
    for entity_id in ids:
        for prop_id in per_entity[entity_id]:
            if prop_id not in seen:
                seen.append(prop_id)
    from knowledge.vocabulary import GROUPS, PROPERTIES

    seen.sort(key=lambda p: (GROUPS.index(PROPERTIES[p].group), list(PROPERTIES).index(p)))
    for prop_id in seen:
        cells: list[list[Item]] = []
        for entity_id in ids:
            row = per_entity[entity_id].get(prop_id)
            cell = row.items if row else []
            conflicts += sum(1 for item in cell if item.conflicts)
            cells.append(cell)
        table.rows.append(TableRow(label=plural(PROPERTIES[prop_id]), cells=cells))
    title = "Compare: " + " vs ".join(e.name_en for e in entities)
    sections: list[Section] = []
    if not table.rows:
        sections.append(
            Section(text="No facts are stored for these companies yet. Ingest articles with `evbot ingest`.")
        )
    if conflicts:
        sections.append(
            Section(text=f"⚠ {conflicts} value(s) are disputed between sources; see /ev conflicts.")
        )
    return Reply(
        title=title,
        subtitle="Each value shows its as-of date where known and its numbered sources; — means no data.",
        table=table,
        sections=sections,
        citations=book.citations,
    )
