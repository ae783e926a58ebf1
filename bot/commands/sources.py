"""``/ev sources A``: the articles and admin entries behind what the bot says about a company."""

from __future__ import annotations

from collections import Counter

from bot.commands.registry import command
from bot.context import Context
from bot.present import CitationBook
from bot.reply import Item, Reply, Section
from knowledge.facts import current_facts

USAGE = "/ev sources <company>"


@command(
    "sources", USAGE, "List the sources behind a company's facts", min_args=1, max_args=1, cacheable=True
)
def sources(ctx: Context, args: list[str]) -> Reply:
    entity = ctx.names.resolve(args[0])
    with ctx.db.session() as session:
        facts = current_facts(session, [entity.id])[entity.id]
    book = CitationBook()
    counts: Counter[int] = Counter()
    for fact in facts:
        for n in book.cite([fact]):
            counts[n] += 1
    section = Section(title=f"{len(book.citations)} source(s)")
    for citation in book.citations:
        section.bullets.append(
            Item(text=f"{citation.label()} — {counts[citation.n]} fact(s)", citations=[citation.n])
        )
    if not book.citations:
        section.text = "No sources yet."
    return Reply(title=f"Sources: {entity.name_en}", sections=[section], citations=book.citations)
