"""``/ev compare A B [C] [D]``: a side-by-side table, every cell cited, conflicts marked."""

from __future__ import annotations

from bot.commands.registry import command
from bot.context import Context
from bot.grammar import UsageError
from bot.present import CitationBook, plural, rows_for
from bot.reply import Reply, Section, Table, TableRow
from knowledge.facts import current_facts
from knowledge.vocabulary import GROUPS, PROPERTIES

# row label → position: groups in GROUPS order, properties in vocabulary order within a group
GROUP_ORDER = {
    plural(spec): (GROUPS.index(spec.group) if spec.group in GROUPS else len(GROUPS), index)
    for index, spec in enumerate(PROPERTIES.values())
}
CELL_LIMIT = 6  # items per cell before "…and N more" (the brief has the rest)
USAGE = "/ev compare <company> <company> [company] [company]   e.g. /ev compare xpeng li-auto"


@command(
    "compare",
    USAGE,
    "Compare 2–4 companies side by side",
    min_args=2,
    max_args=4,
    examples=("/ev compare xpeng li-auto", "/ev compare nio xpeng li-auto"),
    cacheable=True,
)
def compare(ctx: Context, args: list[str]) -> Reply:
    entities = [ctx.names.resolve(name) for name in args]
    ids = [e.id for e in entities]
    if len(set(ids)) != len(ids):
        raise UsageError("Each company can appear only once in a comparison.", USAGE)
    with ctx.db.session() as session:
        facts = current_facts(session, ids)
    book = CitationBook()
    per_entity = [{row.property.id: row for row in rows_for(facts[i], book, CELL_LIMIT)} for i in ids]
    shown = {prop_id for rows in per_entity for prop_id in rows}
    table = Table(columns=[e.name_en for e in entities])
    conflicts = 0
    for spec in PROPERTIES.values():  # vocabulary order within groups, groups in GROUPS order
        if spec.id not in shown:
            continue
        cells = [rows[spec.id].items if spec.id in rows else [] for rows in per_entity]
        conflicts += sum(1 for cell in cells for item in cell if item.conflicts)
        table.rows.append(TableRow(label=plural(spec), cells=cells))
    table.rows.sort(key=lambda row: GROUP_ORDER[row.label])
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
