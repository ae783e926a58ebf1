"""``/ev search <terms>``: full-text search over facts and article sentences, every hit cited."""

from __future__ import annotations

from bot.commands.registry import command
from bot.context import Context
from bot.present import CitationBook, fact_text
from bot.reply import Item, Reply, Section
from knowledge.facts import Fact
from knowledge.search import SearchResult, SentenceHit, search
from knowledge.vocabulary import PROPERTIES

USAGE = "/ev search <terms>   e.g. /ev search xpeng robotaxi"


def fact_item(fact: Fact, book: CitationBook, names: dict[str, str]) -> Item:
    label = PROPERTIES[fact.property].label if fact.property in PROPERTIES else fact.property
    subject = names.get(fact.subject, fact.subject)
    conflicts = [
        Item(text=fact_text(o), citations=book.cite([o]), note=f"claim #{o.claim_id}") for o in fact.conflicts
    ]
    return Item(
        text=f"{subject} — {label}: {fact_text(fact)}",
        citations=book.cite([fact]),
        conflicts=conflicts,
        note=f"claim #{fact.claim_id}",
    )


def sentence_item(hit: SentenceHit, book: CitationBook) -> Item:
    numbers = [book.number(hit.source)]
    numbers += [n for n in (book.number(s) for s in hit.also) if n not in numbers]
    note = f"also reported by {len(hit.also)} other outlet(s)" if hit.also else None
    return Item(text=hit.sentence, citations=numbers, note=note)


def result_sections(result: SearchResult, book: CitationBook, names: dict[str, str]) -> list[Section]:
    sections: list[Section] = []
    if result.facts:
        sections.append(Section(title="Facts", bullets=[fact_item(f, book, names) for f in result.facts]))
    if result.sentences:
        sections.append(
            Section(title="From articles", bullets=[sentence_item(h, book) for h in result.sentences])
        )
    return sections


@command(
    "search",
    USAGE,
    "Search the stored facts and articles",
    min_args=1,
    slow=True,
    examples=("/ev search xpeng robotaxi", '/ev search "solid-state battery"'),
)
def search_command(ctx: Context, args: list[str]) -> Reply:
    query = " ".join(args)
    with ctx.db.session() as session:
        result = search(session, query, limit=8)
    if not result.terms:
        return Reply(
            kind="usage",
            title="Nothing to search for",
            sections=[Section(text="Give a few words to search for."), Section(title="Usage", text=USAGE)],
            ephemeral=True,
        )
    if result.empty:
        return Reply(
            title=f"Search: {query}",
            sections=[Section(text=f"Not known: no source in the store mentions “{query}”.")],
        )
    book = CitationBook()
    names = {e.id: e.name_en for e in ctx.names.gazetteer.entities.values()}
    subtitle = None if result.mode == "all" else "No source has every word; these match some of them."
    return Reply(
        title=f"Search: {query}",
        subtitle=subtitle,
        sections=result_sections(result, book, names),
        citations=book.citations,
    )
