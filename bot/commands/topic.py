"""``/ev topic <topic>``: one theme across companies — a cited table (a row per company) from the
stored claims, then the latest developments of that topic, one line per story."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from bot.commands.registry import command
from bot.commands.search import sentence_item
from bot.context import Context
from bot.grammar import UsageError
from bot.present import CitationBook, rows_for
from bot.reply import Reply, Section, Table, TableRow
from knowledge.facts import Fact, current_facts
from knowledge.schema import Claim
from knowledge.search import recent_developments
from knowledge.store import ACTIVE_STATUSES
from knowledge.values import normalise_name
from knowledge.vocabulary import PROPERTIES

# topic id → (title, head properties shown as columns, every property read for the table)
TOPICS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "smart_driving": (
        "Smart driving",
        ("adas_system", "adas_hardware_vehicle", "chip"),
        ("adas_system", "adas_level", "adas_hardware_vehicle", "chip", "chip_tops"),
    ),
    "ai": (
        "AI",
        ("ai_model", "chip"),
        ("ai_model", "ai_model_parameters", "ai_model_launch", "ai_model_rollout", "chip", "chip_tops"),
    ),
    "rd": (
        "R&D",
        ("rd_site", "rd_hub_count"),
        ("rd_site", "rd_site_opened", "rd_site_status", "rd_site_focus", "rd_headcount", "rd_hub_count"),
    ),
    "overseas": (
        "Overseas",
        ("overseas_market", "overseas_market_count"),
        ("overseas_market", "market_entry_date", "overseas_market_count"),
    ),
    "sales": (
        "Sales",
        ("deliveries", "deliveries_yoy", "delivery_target", "cumulative_deliveries"),
        ("deliveries", "deliveries_yoy", "delivery_target", "cumulative_deliveries"),
    ),
    "robotics": (
        "Robotics",
        ("humanoid_robot", "robotics_team_size"),
        ("humanoid_robot", "robotics_team_size"),
    ),
    "financing": ("Financing", ("funding_amount", "investor"), ("funding_amount", "investor", "stake")),
    "products": (
        "Products",
        ("price_from", "product_launch", "plant"),
        ("price_from", "product_launch", "plant", "plant_capacity", "plant_opened", "plant_status"),
    ),
    "leadership": ("Leadership", ("ceo", "founder", "key_person"), ("ceo", "founder", "key_person")),
    "policy": ("Policy", (), ()),
    "general": ("General", (), ()),
}
ALIASES = {
    "smartdriving": "smart_driving",
    "adas": "smart_driving",
    "driving": "smart_driving",
    "autonomy": "smart_driving",
    "autonomousdriving": "smart_driving",
    "selfdriving": "smart_driving",
    "noa": "smart_driving",
    "artificialintelligence": "ai",
    "aimodels": "ai",
    "models": "ai",
    "rnd": "rd",
    "research": "rd",
    "researchanddevelopment": "rd",
    "international": "overseas",
    "markets": "overseas",
    "abroad": "overseas",
    "expansion": "overseas",
    "deliveries": "sales",
    "delivery": "sales",
    "robots": "robotics",
    "humanoid": "robotics",
    "funding": "financing",
    "investment": "financing",
    "product": "products",
    "launches": "products",
    "people": "leadership",
    "executives": "leadership",
    "regulation": "policy",
}
USAGE = "/ev topic <topic>   topics: " + ", ".join(TOPICS)
MAX_ROW_ITEMS = 6  # per cell; time series (deliveries) keep their newest periods


def latest_periods(facts: list[Fact], keep: int = 3) -> list[Fact]:
    """Time series (deliveries by month) keep only their newest periods, newest first."""
    periods: dict[str, set[str]] = defaultdict(set)
    for fact in facts:
        if "period" in fact.qualifiers:
            periods[fact.property].add(str(fact.qualifiers["period"]))
    newest = {prop: set(sorted(values, reverse=True)[:keep]) for prop, values in periods.items()}
    kept = [
        f for f in facts if "period" not in f.qualifiers or str(f.qualifiers["period"]) in newest[f.property]
    ]
    return sorted(kept, key=lambda f: str(f.qualifiers.get("period", "")), reverse=True)


def resolve_topic(name: str) -> str:
    norm = normalise_name(name)
    for topic in TOPICS:
        if normalise_name(topic) == norm:
            return topic
    if norm in ALIASES:
        return ALIASES[norm]
    raise UsageError(f"Unknown topic “{name}”.", USAGE)


@command(
    "topic",
    USAGE,
    "One theme across companies: who has what, and the latest news",
    min_args=1,
    max_args=3,
    slow=True,
    examples=("/ev topic smart_driving", "/ev topic overseas"),
)
def topic(ctx: Context, args: list[str]) -> Reply:
    topic_id = resolve_topic(" ".join(args))
    title, heads, props = TOPICS[topic_id]
    gazetteer = ctx.names.gazetteer
    book = CitationBook()
    table: Table | None = None
    with ctx.db.session() as session:
        if props:
            subjects = sorted(
                set(
                    session.scalars(
                        select(Claim.subject_id)
                        .distinct()
                        .where(Claim.property.in_(props), Claim.status.in_(ACTIVE_STATUSES))
                    )
                )
            )
            facts = current_facts(session, subjects, list(props)) if subjects else {}
            columns = [p for p in heads if any(f.property == p for fs in facts.values() for f in fs)]
            if columns:
                table = Table(columns=[PROPERTIES[p].label for p in columns], corner="Company")
                for subject in sorted(subjects, key=gazetteer.display_name):
                    shown = latest_periods(facts.get(subject, []))
                    by_prop = {row.property.id: row.items for row in rows_for(shown, book)}
                    cells = [by_prop.get(p, [])[:MAX_ROW_ITEMS] for p in columns]
                    if any(cells):
                        table.rows.append(TableRow(label=gazetteer.display_name(subject), cells=cells))
        recent = recent_developments(session, topic_id, limit=8)
    sections: list[Section] = []
    if recent:
        sections.append(
            Section(title="Latest developments", bullets=[sentence_item(h, book) for h in recent])
        )
    if (table is None or not table.rows) and not recent:
        sections.append(Section(text=f"Not known: no source in the store covers {title.lower()} yet."))
    return Reply(
        title=f"Topic: {title}",
        subtitle="Rows by company, from stored claims; each value cites its sources."
        if table and table.rows
        else None,
        table=table if table and table.rows else None,
        sections=sections,
        citations=book.citations,
    )
