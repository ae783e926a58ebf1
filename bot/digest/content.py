"""What one channel's digest says: store + window → ``Reply`` (and what it carried).

The window runs from the end of the channel's previous sent digest (or 24 hours back when there
is none, at most 7 days) to now. Inside it:

1. **Corrections** come first: an admin override, retraction, new value or undo (audit rows on
   a claim) for a fact one of the channel's recent digests carried, with the old value, the new
   one, who and why — unless the value shown now is again the one the channel saw.
2. **Deliveries and prices**, then **new and changed facts**: slots whose shown value changed,
   as ``before → after`` (before = what the channel was last shown, or the value shown at the
   window's start) with the delta for quantities.
3. **Developments**, grouped by company: one bullet per story however many outlets ran it.

At most ``MAX_BULLETS`` bullets unless ``full``; every bullet is cited. The caller loads a
``Snapshot`` once (per scheduler tick) and builds every due channel's digest from it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.digest.timing import as_utc, local_label
from bot.present import CitationBook, fact_text
from bot.reply import Item, Reply, Section
from knowledge.extract.topics import TOPICS
from knowledge.facts import Fact, Source, facts_from_rows, select_shown
from knowledge.schema import Article, Audit, Claim, Development, DigestDelivery, Entity
from knowledge.store import ACTIVE_STATUSES
from knowledge.values import Quantity, normalise_name
from knowledge.vocabulary import PROPERTIES

MAX_BULLETS = 10
DEFAULT_WINDOW = timedelta(hours=24)
MAX_WINDOW = timedelta(days=7)
CARRIED_DIGESTS = 7  # corrections look at what the channel's last N digests showed
COMPANY_TYPES = ("company", "brand")
CORRECTION_ACTIONS = ("override", "retract", "set", "undo")
FLOW_PROPERTIES = frozenset(
    {
        "deliveries",
        "deliveries_yoy",
        "deliveries_mom",
        "delivery_target",
        "cumulative_deliveries",
        "price_from",
    }
)
# Which property groups a development topic covers when a subscription names topics.
TOPIC_GROUPS: dict[str, frozenset[str]] = {
    "sales": frozenset({"Sales"}),
    "products": frozenset({"Products"}),
    "ai": frozenset({"AI models"}),
    "smart_driving": frozenset({"Driving assistance"}),
    "rd": frozenset({"R&D sites"}),
    "overseas": frozenset({"Overseas markets"}),
    "financing": frozenset({"Financing"}),
    "leadership": frozenset({"Key people", "Identity"}),
    "robotics": frozenset({"Robotics"}),
    "policy": frozenset(),
    "general": frozenset({"Partnerships"}),
}
TOPIC_NAMES: tuple[str, ...] = TOPICS
NEAR_DUPLICATE = 90  # rapidfuzz ratio at which two sentences are one story


@dataclass(frozen=True)
class Scope:
    """What a channel follows: company ids (empty: every tracked company) and topics (empty: all)."""

    companies: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    tz: str = "UTC"
    quiet_mode: str = "post"


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def __contains__(self, instant: datetime) -> bool:
        return self.start < as_utc(instant) <= self.end


@dataclass(frozen=True)
class StoryRow:
    development_id: int
    entity_id: str
    topic: str
    sentence: str
    created_at: datetime
    source: Source
    story_id: int | None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    target_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None


@dataclass
class Snapshot:
    """Everything digests are built from, read in one go."""

    until: datetime
    since: datetime
    names: dict[str, str]  # tracked company/brand id → English name
    by_slot: dict[str, list[Fact]]  # every active claim, by slot
    shown: dict[str, Fact]  # the shown claim of each slot, with its conflicts
    stories: list[StoryRow]
    audits: list[AuditRow]
    created: dict[int, datetime]  # claim id → when it was stored (UTC)

    @classmethod
    def load(cls, session: Session, until: datetime, since: datetime | None = None) -> Snapshot:
        until = as_utc(until)
        since = as_utc(since) if since is not None else until - MAX_WINDOW
        names = {
            row.id: row.name_en
            for row in session.execute(
                select(Entity.id, Entity.name_en).where(Entity.type.in_(COMPANY_TYPES))
            )
        }
        claims = list(
            session.scalars(
                select(Claim).where(Claim.status.in_(ACTIVE_STATUSES), Claim.subject_id.in_(names))
            )
        )
        facts = facts_from_rows(session, claims)
        created = {claim.id: as_utc(claim.created_at) for claim in claims}
        by_slot: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts.values():
            fact.created_at = created[fact.claim_id]
            fact.sources = [replace(s, admin_at=fact.created_at) if s.admin else s for s in fact.sources]
            by_slot[fact.slot].append(fact)
        shown = {fact.slot: fact for fact in select_shown(facts.values())}
        stories = [
            StoryRow(dev_id, entity_id, topic, sentence, as_utc(created),
                     Source(article_id, url, publisher, title, published), story_id)
            for dev_id, entity_id, topic, sentence, created, article_id, url, publisher, title, published, story_id
            in session.execute(
                select(Development.id, Development.entity_id, Development.topic, Development.sentence,
                       Development.created_at, Article.id, Article.url, Article.publisher, Article.title,
                       Article.published, Article.story_id)
                .join(Article, Article.id == Development.article_id)
                .where(Development.created_at > since, Development.created_at <= until,
                       Development.entity_id.in_(names))
                .order_by(Development.id)
            )
        ]  # fmt: skip
        audits = [
            AuditRow(row.id, as_utc(row.at), row.actor, row.action, row.target_id, row.before, row.after, row.reason)
            for row in session.scalars(
                select(Audit)
                .where(Audit.target_type == "claim", Audit.action.in_(CORRECTION_ACTIONS),
                       Audit.at > since, Audit.at <= until)
                .order_by(Audit.at, Audit.id)
            )
        ]  # fmt: skip
        return cls(until, since, names, dict(by_slot), shown, stories, audits, created)


@dataclass
class Previous:
    """What the channel's earlier digests covered: where the next window starts, what they showed."""

    window_end: datetime | None = None
    carried: list[dict[str, Any]] = field(default_factory=list)  # newest digest first


def previous_digests(session: Session, platform: str, channel: str) -> Previous:
    rows = session.execute(
        select(DigestDelivery.window_end, DigestDelivery.carried)
        .where(DigestDelivery.platform == platform, DigestDelivery.channel == channel,
               DigestDelivery.status == "sent", DigestDelivery.window_end.is_not(None))
        .order_by(DigestDelivery.window_end.desc())
        .limit(CARRIED_DIGESTS)
    ).all()  # fmt: skip
    if not rows:
        return Previous()
    carried: list[dict[str, Any]] = []
    for _end, entries in rows:
        carried.extend(entry for entry in (entries or []) if isinstance(entry, dict))
    return Previous(as_utc(rows[0][0]), carried)


def window_for(previous: Previous, now: datetime) -> Window:
    now = as_utc(now)
    start = previous.window_end if previous.window_end is not None else now - DEFAULT_WINDOW
    start = min(max(start, now - MAX_WINDOW), now)
    return Window(start, now)


@dataclass
class Digest:
    reply: Reply
    carried: list[dict[str, Any]]
    window: Window
    quiet: bool
    shown: int
    total: int


@dataclass
class _Candidate:
    kind: str  # correction, flow, fact, story
    company: str
    text: str
    sources: list[Source]
    note: str | None = None
    carry: dict[str, Any] | None = None
    rank: tuple[Any, ...] = ()
    slot: str | None = None


def _label(fact: Fact) -> str:
    spec = PROPERTIES.get(fact.property)
    if spec is None:
        return fact.property
    label = spec.label
    if spec.cardinality == "single":
        extra = [
            str(fact.qualifiers[q]).replace("-", " ")
            for q in spec.slot_qualifiers
            if q != "period" and fact.qualifiers.get(q)
        ]
        if extra:
            label += f" ({', '.join(extra)})"
    return label


def _delta(before: Any, after: Fact) -> str:
    if not isinstance(after.value, Quantity) or before is None:
        return ""
    amount, unit = before
    if unit != after.value.unit or amount is None:
        return ""
    change = after.value.amount - amount
    if change == 0:
        return ""
    text = f"{change:+,.0f}" if float(change).is_integer() else f"{change:+,.2f}"
    if after.value.unit == "percent":
        return f" ({text} pts)"
    if amount:
        text += f", {change / amount * 100:+.1f}%"
    return f" ({text})"


def _quantity(fact: Fact) -> tuple[float | None, str | None]:
    return (fact.value.amount, fact.value.unit) if isinstance(fact.value, Quantity) else (None, None)


def carry_entry(fact: Fact) -> dict[str, Any]:
    """What the ledger keeps of a fact a digest showed (for later before → after and corrections)."""
    amount, unit = _quantity(fact)
    return {"claim_id": fact.claim_id, "slot": fact.slot, "subject": fact.subject, "property": fact.property,
            "value": fact_text(fact), "amount": amount, "unit": unit}  # fmt: skip


def _in_scope(fact_subject: str, prop: str, scope: Scope, snapshot: Snapshot) -> bool:
    if fact_subject not in snapshot.names:
        return False
    if scope.companies and fact_subject not in scope.companies:
        return False
    if scope.topics:
        spec = PROPERTIES.get(prop)
        groups = set().union(*(TOPIC_GROUPS.get(t, frozenset()) for t in scope.topics))
        if spec is None or spec.group not in groups:
            return False
    return True


def _corrections(snapshot: Snapshot, scope: Scope, window: Window, previous: Previous) -> list[_Candidate]:
    by_claim: dict[int, dict[str, Any]] = {}
    for entry in reversed(previous.carried):  # newest digest last, so it wins
        if isinstance(entry.get("claim_id"), int):
            by_claim[entry["claim_id"]] = entry
    latest: dict[int, AuditRow] = {}
    for row in snapshot.audits:
        if row.at not in window or row.target_id is None or not row.target_id.isdigit():
            continue
        if int(row.target_id) in by_claim:
            latest[int(row.target_id)] = row
    found: list[_Candidate] = []
    for claim_id, row in sorted(latest.items(), key=lambda kv: kv[1].at):
        entry = by_claim[claim_id]
        current = snapshot.shown.get(str(entry.get("slot")))
        after = row.after or {}
        if current is not None:  # the slot's value now (a retracted claim is never the shown one)
            new_text = fact_text(current)
            sources = list(current.sources)
        elif after.get("status") in ACTIVE_STATUSES and after.get("value") is not None:
            new_text = str(after["value"])
            sources = []
        else:
            new_text = "withdrawn (no value is shown now)"
            sources = []
        if new_text == entry.get("value"):
            continue  # the channel already saw this value (e.g. a retraction was undone): no news
        verb = {"override": "overridden", "retract": "retracted", "set": "set", "undo": "reverted"}.get(
            row.action, row.action
        )
        why = row.reason.strip() if row.reason and row.reason.strip() else "no reason given"
        subject = str(entry.get("subject", ""))
        label = (
            PROPERTIES[entry["property"]].label
            if entry.get("property") in PROPERTIES
            else str(entry.get("property"))
        )
        if current is not None:
            label = _label(current)
        name = snapshot.names.get(subject, subject)
        admin = Source(None, None, None, None, None, admin=row.actor, admin_at=row.at)
        text = (
            f"Correction — {name}, {label}: {entry.get('value')} → {new_text} ({verb} by {row.actor}: {why})"
        )
        carry = carry_entry(current) if current is not None else None
        found.append(
            _Candidate(
                "correction",
                subject,
                text,
                [admin, *sources],
                f"claim #{claim_id}",
                carry,
                slot=str(entry.get("slot")),
            )
        )
    return found


def _fact_changes(
    snapshot: Snapshot, scope: Scope, window: Window, previous: Previous, skip_slots: set[str]
) -> list[_Candidate]:
    carried_by_slot: dict[str, dict[str, Any]] = {}
    for entry in reversed(previous.carried):
        if isinstance(entry.get("slot"), str):
            carried_by_slot[entry["slot"]] = entry
    found: list[_Candidate] = []
    for slot, fact in snapshot.shown.items():
        if slot in skip_slots or snapshot.created[fact.claim_id] not in window:
            continue
        if not _in_scope(fact.subject, fact.property, scope, snapshot):
            continue
        before_text: str | None = None
        before_amount: tuple[float | None, str | None] | None = None
        if slot in carried_by_slot:
            entry = carried_by_slot[slot]
            before_text = str(entry.get("value"))
            before_amount = (entry.get("amount"), entry.get("unit"))
        else:
            earlier = [
                replace(f, conflicts=[])
                for f in snapshot.by_slot.get(slot, [])
                if snapshot.created[f.claim_id] <= window.start
            ]
            if earlier:
                then = select_shown(earlier)[0]
                before_text = fact_text(then)
                before_amount = _quantity(then)
        after_text = fact_text(fact)
        if before_text == after_text:
            continue
        name = snapshot.names.get(fact.subject, fact.subject)
        if before_text is None:
            text = f"{name} — {_label(fact)}: {after_text} (new)"
        else:
            text = f"{name} — {_label(fact)}: {before_text} → {after_text}{_delta(before_amount, fact)}"
        kind = "flow" if fact.property in FLOW_PROPERTIES else "fact"
        found.append(
            _Candidate(
                kind,
                fact.subject,
                text,
                list(fact.sources),
                f"claim #{fact.claim_id}",
                carry_entry(fact),
                (name, fact.property, fact.claim_id),
            )
        )
    found.sort(key=lambda c: c.rank)
    return found


@dataclass
class _Story:
    company: str
    sentence: str
    norm: str
    topic: str
    sources: list[Source] = field(default_factory=list)
    newest: str = ""


def _stories(snapshot: Snapshot, scope: Scope, window: Window) -> list[_Candidate]:
    groups: dict[str, list[_Story]] = defaultdict(list)
    by_story_id: dict[tuple[str, int], _Story] = {}
    for row in snapshot.stories:
        if row.created_at not in window or row.entity_id not in snapshot.names:
            continue
        if scope.companies and row.entity_id not in scope.companies:
            continue
        if scope.topics and row.topic not in scope.topics:
            continue
        norm = normalise_name(row.sentence)
        story: _Story | None = None
        if row.story_id is not None:
            story = by_story_id.get((row.entity_id, row.story_id))
        if story is None:
            for candidate in groups[row.entity_id]:
                if candidate.norm == norm or fuzz.ratio(candidate.norm, norm) >= NEAR_DUPLICATE:
                    story = candidate
                    break
        if story is None:
            story = _Story(row.entity_id, row.sentence, norm, row.topic)
            groups[row.entity_id].append(story)
        if row.story_id is not None:
            by_story_id.setdefault((row.entity_id, row.story_id), story)
        if row.source.key not in {s.key for s in story.sources}:
            story.sources.append(row.source)
        story.newest = max(story.newest, row.source.published or "")
    found: list[_Candidate] = []
    for company, stories in groups.items():
        name = snapshot.names.get(company, company)
        for story in stories:
            outlets = len({s.publisher or s.url or s.key for s in story.sources})
            text = story.sentence if outlets < 2 else f"{story.sentence} ({outlets} outlets)"
            found.append(
                _Candidate(
                    "story",
                    company,
                    text,
                    story.sources,
                    story.topic,
                    rank=(-outlets, _neg(story.newest), name),
                )
            )
    found.sort(key=lambda c: c.rank)
    return found


def _neg(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text)


def _select(candidates: dict[str, list[_Candidate]], full: bool) -> tuple[list[_Candidate], int]:
    """Corrections always; then deliveries/prices, facts and stories by quota, then the leftovers."""
    picked = list(candidates["correction"])
    total = sum(len(v) for v in candidates.values())
    if full:
        for kind in ("flow", "fact", "story"):
            picked.extend(candidates[kind])
        return picked, total
    budget = max(MAX_BULLETS - len(picked), 0)
    quotas = {"flow": 3, "fact": 3, "story": 4}
    taken: dict[str, int] = {}
    for kind, quota in quotas.items():
        n = min(quota, len(candidates[kind]), budget)
        taken[kind] = n
        budget -= n
    for kind in quotas:
        extra = min(len(candidates[kind]) - taken[kind], budget)
        taken[kind] += extra
        budget -= extra
    for kind in quotas:
        picked.extend(candidates[kind][: taken[kind]])
    return picked, total


def open_conflicts(snapshot: Snapshot, scope: Scope) -> int:
    return sum(
        1
        for fact in snapshot.shown.values()
        if fact.conflicts and _in_scope(fact.subject, fact.property, scope, snapshot)
    )


def scope_label(snapshot: Snapshot, scope: Scope) -> str:
    if scope.companies:
        names = [snapshot.names.get(c, c) for c in scope.companies]
        text = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    else:
        text = "All tracked companies"
    if scope.topics:
        text += " · " + ", ".join(t.replace("_", " ") for t in scope.topics)
    return text


def build_digest(
    snapshot: Snapshot,
    scope: Scope,
    window: Window,
    previous: Previous,
    *,
    digest_date: date | None = None,
    full: bool = False,
) -> Digest:
    corrections = _corrections(snapshot, scope, window, previous)
    corrected = {c.slot for c in corrections if c.slot}
    changes = _fact_changes(snapshot, scope, window, previous, corrected)
    candidates: dict[str, list[_Candidate]] = {
        "correction": corrections,
        "flow": [c for c in changes if c.kind == "flow"],
        "fact": [c for c in changes if c.kind == "fact"],
        "story": _stories(snapshot, scope, window),
    }
    picked, total = _select(candidates, full)
    day = digest_date or as_utc(window.end).date()
    title = f"EV digest — {day.strftime('%a %d %b %Y')}"
    subtitle = f"{scope_label(snapshot, scope)} · since {local_label(window.start, scope.tz)}"
    conflicts = open_conflicts(snapshot, scope)
    if not picked:
        text = "No new or changed facts and no new developments since the last digest."
        return Digest(
            Reply(title=title, subtitle=subtitle, sections=[Section(text=text)]),
            [],
            window,
            quiet=True,
            shown=0,
            total=0,
        )
    book = CitationBook()
    sections: list[Section] = []
    titles = {"correction": "Corrections", "flow": "Deliveries and prices", "fact": "New and changed facts"}
    for kind, section_title in titles.items():
        items = [_item(c, book) for c in picked if c.kind == kind]
        if items:
            sections.append(Section(title=section_title, bullets=items))
    by_company: dict[str, list[Item]] = defaultdict(list)
    for candidate in picked:
        if candidate.kind == "story":
            by_company[candidate.company].append(_item(candidate, book))
    for company, items in by_company.items():
        sections.append(Section(title=f"{snapshot.names.get(company, company)}: developments", bullets=items))
    if conflicts:
        noun = "conflict awaits" if conflicts == 1 else "conflicts await"
        sections.append(Section(text=f"{conflicts} open {noun} an admin's review."))
    footer = None
    if total > len(picked):
        footer = f"…and {total - len(picked)} more — /ev digest full"
    carried = [c.carry for c in picked if c.carry is not None]
    reply = Reply(title=title, subtitle=subtitle, sections=sections, citations=book.citations, footer=footer)
    return Digest(reply, carried, window, quiet=False, shown=len(picked), total=total)


def _item(candidate: _Candidate, book: CitationBook) -> Item:
    numbers: list[int] = []
    for source in candidate.sources:
        n = book.number(source)
        if n not in numbers:
            numbers.append(n)
    return Item(text=candidate.text, citations=numbers, note=candidate.note)


def compose(
    session: Session,
    platform: str,
    channel: str,
    scope: Scope,
    now: datetime,
    *,
    digest_date: date | None = None,
    full: bool = False,
    snapshot: Snapshot | None = None,
) -> Digest:
    """The digest ``channel`` would get at ``now`` (previews, the CLI, and the scheduler)."""
    previous = previous_digests(session, platform, channel)
    window = window_for(previous, now)
    if snapshot is None or snapshot.since > window.start or snapshot.until < window.end:
        snapshot = Snapshot.load(session, window.end, window.start)
    return build_digest(snapshot, scope, window, previous, digest_date=digest_date, full=full)


def scope_of(
    companies: Iterable[Any] | None, topics: Sequence[Any] | None, tz: str, quiet_mode: str = "post"
) -> Scope:
    return Scope(tuple(str(c) for c in companies or ()), tuple(str(t) for t in topics or ()), tz, quiet_mode)
