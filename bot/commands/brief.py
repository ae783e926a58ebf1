"""``/ev brief A``: key facts, then the latest developments as cited sentences."""

from __future__ import annotations

from sqlalchemy import select

from bot.commands.registry import command
from bot.context import Context
from bot.present import CitationBook, plural, rows_for
from bot.reply import FieldRow, Item, Reply, Section
from knowledge.facts import Source, current_facts
from knowledge.schema import Article, Development

USAGE = "/ev brief <company>   e.g. /ev brief nio"
DEVELOPMENTS_SHOWN = 8
FIELD_LIMIT = 12  # items per key-fact field before "…and N more"


@command(
    "brief",
    USAGE,
    "Key facts and latest developments for one company",
    min_args=1,
    max_args=1,
    examples=("/ev brief nio",),
    cacheable=True,
)
def brief(ctx: Context, args: list[str]) -> Reply:
    entity = ctx.names.resolve(args[0])
    book = CitationBook()
    with ctx.db.session() as session:
        facts = current_facts(session, [entity.id])[entity.id]
        rows = session.execute(
            select(
                Development.sentence,
                Development.topic,
                Article.id,
                Article.url,
                Article.publisher,
                Article.title,
                Article.published,
            )
            .join(Article, Article.id == Development.article_id)
            .where(Development.entity_id == entity.id)
            .order_by(Article.published.desc().nulls_last(), Development.created_at.desc(), Development.id)
            .limit(DEVELOPMENTS_SHOWN * 3)
        ).all()
    key_facts = Section(title="Key facts")
    for row in rows_for(facts, book, FIELD_LIMIT):
        key_facts.fields.append(FieldRow(label=plural(row.property), items=row.items))
    if not key_facts.fields:
        key_facts.text = "No facts are stored for this company yet."
    developments = Section(title="Latest developments")
    seen: set[str] = set()
    for sentence, topic, article_id, url, publisher, title, published in rows:
        if sentence in seen:
            continue
        seen.add(sentence)
        n = book.number(Source(article_id, url, publisher, title, published))
        developments.bullets.append(Item(text=sentence, citations=[n], note=topic))
        if len(developments.bullets) >= DEVELOPMENTS_SHOWN:
            break
    sections = [key_facts]
    if developments.bullets:
        sections.append(developments)
    subtitle_parts = [p for p in (entity.name_zh, entity.ticker, entity.type) if p]
    return Reply(
        title=f"Brief: {entity.name_en}",
        subtitle=" · ".join(subtitle_parts),
        sections=sections,
        citations=book.citations,
    )
