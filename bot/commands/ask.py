"""``/ev ask <question>``: answers from stored claims when the question names a company and a
property, otherwise the best cited sentences. It never guesses: when no source in the store
says it, the answer says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.commands.registry import command
from bot.commands.search import result_sections
from bot.context import Context
from bot.present import CitationBook, fact_text
from bot.reply import Item, Reply, Section
from knowledge.dates import PartialDate
from knowledge.facts import Fact, current_facts, facts_from_rows, select_shown
from knowledge.gazetteer import Gazetteer
from knowledge.schema import Claim
from knowledge.search import search
from knowledge.store import ACTIVE_STATUSES
from knowledge.values import normalise_name
from knowledge.vocabulary import PROPERTIES, PropertySpec

USAGE = "/ev ask <question>   e.g. /ev ask how many cars did BYD deliver in October 2024?"

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORDINAL_Q = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}

# Question words → property, most specific first.
_INTENTS: list[tuple[str, str]] = [
    (r"\b(yoy|year[- ]on[- ]year|year[- ]over[- ]year)\b", "deliveries_yoy"),
    (r"\b(mom|month[- ]on[- ]month)\b", "deliveries_mom"),
    (r"\b(guidance|target|expect\w*|forecast)\b", "delivery_target"),
    (r"\b(cumulative|in total|all[- ]time)\b.*\bdeliver", "cumulative_deliveries"),
    (r"\bdeliver\w*|\bsold\b|\bsell\w*|\bsales\b|\bshipped\b", "deliveries"),
    (r"\b(ceo|chief executive|who (runs|leads|heads))\b", "ceo"),
    (r"\bfounders?\b|\bwho founded\b", "founder"),
    (r"\b(founded|founding|established)\b", "founded"),
    (r"\b(headquarter\w*|hq|head office|based)\b", "headquarters"),
    (r"\b(employees|staff|headcount|workforce)\b", "employees"),
    (r"\b(parameters?|params)\b", "ai_model_parameters"),
    (r"\b(ai models?|llms?|foundation models?|large models?)\b", "ai_model"),
    (r"\b(automation level|autonomy level|level [0-5]|l[2-5])\b", "adas_level"),
    (
        r"\b(adas|driving[- ]assist\w*|smart driving|autonomous driving|noa|autopilot|self[- ]driving)\b",
        "adas_system",
    ),
    (r"\b(chips?|socs?|tops)\b", "chip"),
    (r"\b(r&d|r and d|research (and development )?(centers?|centres?|sites?|hubs?|labs?))\b", "rd_site"),
    (r"\b(overseas|markets?|countries|abroad)\b", "overseas_market"),
    (r"\b(plants?|factor(y|ies)|manufacturing base)\b", "plant"),
    (r"\b(price[ds]?|cost|how much does)\b", "price_from"),
    (r"\b(funding|raised?|financing)\b", "funding_amount"),
    (r"\b(investors?|backers?|stake)\b", "investor"),
    (r"\b(partners?|partnerships?)\b", "partnership"),
    (r"\b(robots?|humanoids?|robotics)\b", "humanoid_robot"),
]


@dataclass
class Question:
    text: str
    entities: list[str] = field(default_factory=list)
    property: PropertySpec | None = None
    period: str | None = None  # "2024-10", "2024-Q3", "2024", "--10"


def find_entities(question: str, gazetteer: Gazetteer) -> list[str]:
    """Entities named in the question: the longest alias match wins; short aliases only in capitals."""
    # possessives name the owner: "Li Auto's CEO" is about Li Auto
    words = [re.sub(r"['’]s$", "", word) for word in re.findall(r"[^\W_][\w&.'’-]*", question)]
    names = gazetteer.names()
    found: list[str] = []
    i = 0
    while i < len(words):
        matched = 0
        for size in (4, 3, 2, 1):
            if i + size > len(words):
                continue
            phrase = " ".join(words[i : i + size])
            norm = normalise_name(phrase)
            if not norm or norm in {"the", "and", "car", "cars", "did", "how", "many"}:
                continue
            if len(norm) <= 2 and not phrase.isupper():
                continue
            ids = names.get(norm)
            if ids:
                for entity_id in ids:
                    entity = gazetteer.entities.get(entity_id)
                    if entity is not None and entity_id not in found:
                        found.append(entity_id)
                        break
                matched = size
                break
        i += matched or 1
    return found


def find_period(question: str) -> str | None:
    text = question.casefold()
    match = re.search(rf"\b({_MONTH_RE})\.?\s*,?\s*(\d{{4}})\b", text)
    if match:
        return f"{match.group(2)}-{_MONTHS[match.group(1)]:02d}"
    match = re.search(r"\b(\d{4})-(\d{2})\b", text)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{match.group(1)}-{match.group(2)}"
    match = re.search(r"\bq([1-4])\s*,?\s*(\d{4})\b", text) or re.search(r"\b(\d{4})\s*-?\s*q([1-4])\b", text)
    if match:
        a, b = match.group(1), match.group(2)
        year, quarter = (b, a) if len(a) == 1 else (a, b)
        return f"{year}-Q{quarter}"
    match = re.search(r"\b(first|second|third|fourth|1st|2nd|3rd|4th) quarter (of )?(\d{4})\b", text)
    if match:
        return f"{match.group(3)}-Q{_ORDINAL_Q[match.group(1)]}"
    match = re.search(rf"\b({_MONTH_RE})\b", text)
    if match and match.group(1) != "may":
        return f"--{_MONTHS[match.group(1)]:02d}"
    match = re.search(r"\b(19|20)(\d{2})\b", text)
    if match:
        return match.group(0)
    return None


def find_property(question: str) -> PropertySpec | None:
    text = question.casefold()
    for pattern, prop_id in _INTENTS:
        if prop_id in PROPERTIES and re.search(pattern, text):
            return PROPERTIES[prop_id]
    return None


def parse_question(question: str, gazetteer: Gazetteer) -> Question:
    return Question(
        question, find_entities(question, gazetteer), find_property(question), find_period(question)
    )


def _period_human(period: str) -> str:
    if re.fullmatch(r"\d{4}-Q[1-4]", period):
        return f"{period[5:]} {period[:4]}"
    try:
        return PartialDate.parse(period).human()
    except ValueError:
        return period


def _matches_period(fact: Fact, period: str) -> bool:
    value = str(fact.qualifiers.get("period", ""))
    if period.startswith("--"):
        return value.endswith(period[1:]) and len(value) == 7
    return value == period


def period_facts(session: Session, subject: str, prop: PropertySpec, period: str) -> list[Fact]:
    """The shown facts of one period of a time series, read through the slot-key index only."""
    prefix = f"{subject}|{prop.id}|period={period}|"
    claims = session.scalars(
        select(Claim).where(
            Claim.slot_key >= prefix, Claim.slot_key < prefix + "\uffff", Claim.status.in_(ACTIVE_STATUSES)
        )
    ).all()
    return select_shown(facts_from_rows(session, list(claims)).values())


def _not_known(question: Question, what: str) -> Reply:
    return Reply(
        title="Not known",
        sections=[Section(text=f"Not known: no source in the store says {what}.")],
        footer="Answers come only from ingested sources; add one with `evbot ingest`.",
    )


def _what(question: Question, name: str) -> str:
    prop = question.property
    period = f" in {_period_human(question.period)}" if question.period else ""
    if prop is None:
        return f"anything about “{question.text}”"
    if prop.id == "deliveries":
        return f"how many vehicles {name} delivered{period}"
    return f"{name}'s {prop.label.lower()}{period}"


def answer_from_claims(ctx: Context, question: Question) -> Reply | None:
    """A structured answer, a clear "not known", or None when stored facts cannot answer it (search next)."""
    prop = question.property
    if prop is None or not question.entities:
        return None
    gazetteer = ctx.names.gazetteer
    with ctx.db.session() as session:
        if (
            question.period
            and not question.period.startswith("--")
            and prop.slot_qualifiers[:1] == ("period",)
        ):
            facts_by = {e: period_facts(session, e, prop, question.period or "") for e in question.entities}
        else:
            facts_by = current_facts(session, question.entities, [prop.id])
    book = CitationBook()
    sections: list[Section] = []
    for entity_id in question.entities:
        name = gazetteer.display_name(entity_id)
        facts = facts_by.get(entity_id, [])
        uses_period = "period" in prop.slot_qualifiers
        if uses_period:
            facts = [f for f in facts if not f.qualifiers.get("model")] or facts  # company totals first
            if question.period:
                facts = [f for f in facts if _matches_period(f, question.period)]
            elif facts:
                latest = max(str(f.qualifiers.get("period", "")) for f in facts)
                facts = [f for f in facts if str(f.qualifiers.get("period", "")) == latest]
        if not facts:
            sections.append(
                Section(title=name, text=f"Not known: no source in the store says {_what(question, name)}.")
            )
            continue
        items: list[Item] = []
        for fact in facts:
            period = str(fact.qualifiers.get("period", "")) or None
            lead = f"{_period_human(period)}: " if period else ""
            conflicts = [
                Item(text=fact_text(o), citations=book.cite([o]), note=f"claim #{o.claim_id}")
                for o in fact.conflicts
            ]
            items.append(
                Item(
                    text=f"{lead}{fact_text(fact)}",
                    citations=book.cite([fact]),
                    conflicts=conflicts,
                    note=f"claim #{fact.claim_id}",
                )
            )
        label = (
            prop.label if question.period or not uses_period else f"{prop.label} (latest period in the store)"
        )
        sections.append(Section(title=f"{name} — {label}", bullets=items))
    if not book.citations:
        name = " / ".join(gazetteer.display_name(e) for e in question.entities)
        if question.period and "period" in prop.slot_qualifiers:
            return _not_known(question, _what(question, name))  # other periods' sentences would mislead
        return None  # no stored fact: the cited sentences may still answer it
    return Reply(title=f"Q: {question.text}", sections=sections, citations=book.citations)


@command(
    "ask",
    USAGE,
    "Ask a question; answered only from cited sources",
    min_args=1,
    slow=True,
    examples=("/ev ask how many cars did BYD deliver in October 2024?", "/ev ask who is the CEO of Xpeng?"),
)
def ask(ctx: Context, args: list[str]) -> Reply:
    text = " ".join(args).strip()
    gazetteer = ctx.names.gazetteer
    question = parse_question(text, gazetteer)
    structured = answer_from_claims(ctx, question)
    if structured is not None:
        return structured
    names_norm = gazetteer.names()
    # with the companies as a filter, their names need not be search terms (else any BYD line would do)
    terms = [
        w
        for w in re.findall(r"[^\W_]+", text)
        if not question.entities or normalise_name(w) not in names_norm
    ]
    with ctx.db.session() as session:
        result = search(session, " ".join(terms) or text, limit=5, entity_ids=question.entities or None)
    if result.empty:
        return _not_known(question, f"anything that answers “{text}”")
    book = CitationBook()
    names = {e.id: e.name_en for e in ctx.names.gazetteer.entities.values()}
    return Reply(
        title=f"Q: {text}",
        subtitle="No stored fact answers this directly; the closest cited sources say:",
        sections=result_sections(result, book, names),
        citations=book.citations,
    )
