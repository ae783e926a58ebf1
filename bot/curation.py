"""Reading admin commands' arguments and presenting curation results as replies.

The rules themselves (locking, fingerprints, overrides, undo) live in ``knowledge.curation``;
here are the words: parsing ``fact set`` arguments, "did you mean" for properties, and the
preview / applied / refused replies. Every user-supplied string goes into plain-text reply fields
unchanged; renderers escape it, so mentions and markup in it stay inert.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.context import Context
from bot.grammar import UsageError
from bot.present import CitationBook, fact_text
from bot.reply import Action, Item, Reply, Section
from knowledge.curation import Applied, HistoryEntry, Preview, SetDraft, SlotState, StaleRefusal
from knowledge.facts import Source
from knowledge.valueparse import ValueParseError, parse_date, parse_value, qualifier_value
from knowledge.vocabulary import PROPERTIES, PropertySpec, resolve_property

SET_USAGE = (
    '/ev fact set <company> <property> <value> [<qualifier> <name>] [as of <date>] [source <url>] [note "…"]\n'
    '   e.g. /ev fact set xpeng ceo "Jane Doe" source https://example.com/news note "announced today"\n'
    "        /ev fact set li-auto parameters 72 billion parameters model MindVLA as of 2025-03"
)


def parse_claim_id(text: str, usage: str) -> int:
    cleaned = text.strip().lstrip("#")
    if not cleaned.isdigit():
        raise UsageError(f"“{text}” is not a claim number (claim numbers look like 12 or #12).", usage)
    return int(cleaned)


def property_or_suggest(name: str, usage: str) -> PropertySpec:
    spec = resolve_property(name)
    if spec is not None:
        return spec
    choices: dict[str, str] = {}
    for prop in PROPERTIES.values():
        for candidate in (prop.id, prop.label, *prop.aliases):
            choices.setdefault(candidate.lower(), prop.id)
    found = process.extract(name.lower(), list(choices), scorer=fuzz.WRatio, limit=6)
    suggested: list[str] = []
    for candidate, score, _ in found:
        prop_id = choices[candidate]
        if score >= 60 and prop_id not in suggested:
            suggested.append(prop_id)
    hint = (
        f" Did you mean {', '.join(f'{p} ({PROPERTIES[p].label})' for p in suggested[:3])}?"
        if suggested
        else ""
    )
    return_usage = usage + "\n   Properties: " + ", ".join(sorted(PROPERTIES))
    raise UsageError(f"Unknown property “{name}”.{hint}", return_usage)


def _split_property(args: list[str], usage: str) -> tuple[PropertySpec, list[str]]:
    """The property may be written in up to three words (``starting price``, ``head office``)."""
    for width in (3, 2):
        if len(args) > width:
            spec = resolve_property(" ".join(args[:width]))
            if spec is not None:
                return spec, args[width:]
    return property_or_suggest(args[0], usage), args[1:]


def parse_set(ctx: Context, args: list[str]) -> SetDraft:
    """``<company> <property> <value> [qualifier name] [as of date] [source url] [note text]``."""
    if len(args) < 3:
        raise UsageError("`fact set` needs a company, a property and a value.", SET_USAGE)
    entity = ctx.names.resolve(args[0])
    spec, rest = _split_property(args[1:], SET_USAGE)
    keywords = {"source", "note", *spec.slot_qualifiers}
    buckets: dict[str, list[str]] = {"value": []}
    current = "value"
    i = 0
    while i < len(rest):
        token = rest[i]
        lowered = token.lower()
        if lowered == "as" and i + 1 < len(rest) and rest[i + 1].lower() == "of":
            current, i = "as_of", i + 2
        elif lowered in keywords:
            current, i = lowered, i + 1
        elif "=" in token and token.split("=", 1)[0].lower() in spec.slot_qualifiers:
            key, qualifier = token.split("=", 1)
            buckets.setdefault(key.lower(), []).append(qualifier)
            current, i = "value", i + 1
            continue
        else:
            buckets.setdefault(current, []).append(token)
            i += 1
            continue
        if current in buckets:
            raise UsageError(f"“{current.replace('_', ' ')}” is given twice.", SET_USAGE)
        buckets[current] = []
    texts = {key: " ".join(tokens).strip() for key, tokens in buckets.items()}
    for key, text in texts.items():
        if not text:
            raise UsageError(f"“{key.replace('_', ' ')}” needs a value after it." if key != "value"
                             else "The value is missing.", SET_USAGE)  # fmt: skip
    try:
        value = parse_value(spec, texts["value"])
    except ValueParseError as exc:
        raise UsageError(str(exc), SET_USAGE) from exc
    qualifiers = {q: qualifier_value(texts[q]) for q in spec.slot_qualifiers if q in texts}
    if spec.item_key and spec.item_key not in qualifiers:
        raise UsageError(
            f"{spec.label} describes one {spec.item_key}: add `{spec.item_key} <name>`.", SET_USAGE
        )
    as_of = None
    if "as_of" in texts:
        try:
            as_of = parse_date(texts["as_of"])
        except ValueParseError as exc:
            raise UsageError(
                f"as of: {exc}; write 2024, 2024-01, 2024-01-15 or Jan 2024.", SET_USAGE
            ) from exc
    source = texts.get("source")
    if source is not None and not source.lower().startswith(("http://", "https://")):
        raise UsageError(
            f"The source must be a web address starting with http:// or https://, not “{source}”.", SET_USAGE
        )
    return SetDraft(entity.id, spec.id, value, qualifiers, as_of, source, texts.get("note"))


def slot_label(ctx: Context, subject: str, prop_id: str, qualifiers: dict[str, str]) -> str:
    name = ctx.names.gazetteer.display_name(subject)
    label = f"{name} · {PROPERTIES[prop_id].label}"
    if qualifiers:
        label += " (" + ", ".join(f"{k} {v}" for k, v in qualifiers.items()) + ")"
    return label


def state_items(state: SlotState, book: CitationBook) -> list[Item]:
    items: list[Item] = []
    for index, fact in enumerate(state.facts):
        shown = "shown" if index == 0 else "disputed"
        items.append(
            Item(
                text=f"{fact_text(fact)} ({fact.status}, {shown})",
                citations=book.cite([fact]),
                note=f"claim #{fact.claim_id}",
            )
        )
    return items


def draft_text(draft: SetDraft) -> str:
    text = draft.value.display()
    if draft.as_of:
        text += f", as of {draft.as_of.human()}"
    return text


def preview_reply(ctx: Context, preview: Preview) -> Reply:
    draft = preview.draft
    label = slot_label(ctx, draft.subject, draft.prop_id, draft.qualifiers)
    book = CitationBook()
    now_section = Section(title="Now", bullets=state_items(preview.current, book))
    if not now_section.bullets:
        now_section.text = "No value is stored for this yet."
    if preview.pending_id is None:
        return Reply(kind="info", title=f"No change: {label}", sections=[
            now_section, Section(text=f"“{draft.value.display()}” is already the admin-confirmed value.")],
            citations=book.citations, ephemeral=True)  # fmt: skip
    n = book.number(
        Source(None, draft.source_url, None, None, None, admin=ctx.principal, admin_at=ctx.clock())
    )
    change = Section(title="After confirming")
    change.bullets.append(Item(text=f"{draft_text(draft)} (confirmed)", citations=[n], note="new"))
    if draft.note:
        change.bullets.append(Item(text=f"note: {draft.note}"))
    for fact in preview.overridden:
        change.bullets.append(
            Item(
                text=f"{fact_text(fact)} becomes overridden (kept in the history)",
                citations=book.cite([fact]),
                note=f"claim #{fact.claim_id}",
            )
        )
    pending = preview.pending_id
    return Reply(
        kind="confirm",
        title=f"Confirm: set {label}",
        sections=[now_section, change],
        citations=book.citations,
        actions=[
            Action(label="Confirm", command=f"/ev confirm {pending}", style="primary"),
            Action(label="Cancel", command=f"/ev cancel {pending}", style="danger"),
        ],
        ephemeral=True,
        footer=f"Pending change #{pending}: confirm with /ev confirm (or /ev confirm {pending}); "
        "/ev fact undo reverts it afterwards.",
    )


def applied_reply(ctx: Context, applied: Applied) -> Reply:
    claim = applied.claim
    assert claim is not None
    book = CitationBook()
    label = slot_label(ctx, claim.subject_id, claim.property, dict(claim.qualifiers or {}))
    section = Section(title="Changed")
    from knowledge.store import claim_value

    if applied.action == "fact_set":
        n = book.number(
            Source(
                None, claim.source_url, None, None, None, admin=claim.created_by, admin_at=claim.created_at
            )
        )
        section.bullets.append(
            Item(text=f"{claim_value(claim).display()} (confirmed)", citations=[n], note=f"claim #{claim.id}")
        )
        title = f"Set: {label} is now {claim_value(claim).display()}"
    elif applied.action == "fact_retract":
        section.bullets.append(
            Item(text=f"{claim_value(claim).display()} is retracted", note=f"claim #{claim.id}")
        )
        title = f"Retracted claim #{claim.id}: {label}"
    else:
        section.bullets.append(
            Item(text=f"{claim_value(claim).display()} is confirmed", note=f"claim #{claim.id}")
        )
        title = f"Confirmed claim #{claim.id}: {label}"
    for other in applied.overridden:
        section.bullets.append(
            Item(text=f"{claim_value(other).display()} is overridden", note=f"claim #{other.id}")
        )
    return Reply(
        title=title,
        sections=[section],
        citations=book.citations,
        footer=f"Change #{applied.change_id}. Nothing was deleted; /ev fact undo reverts it.",
    )


def stale_reply(ctx: Context, refusal: StaleRefusal) -> Reply:
    draft = refusal.draft
    label = slot_label(ctx, draft.subject, draft.prop_id, draft.qualifiers)
    book = CitationBook()
    now_section = Section(title="Now", bullets=state_items(refusal.current, book))
    if not now_section.bullets:
        now_section.text = "No value is stored for this now."
    return Reply(
        kind="refused",
        title=f"Not applied: {label}",
        sections=[
            Section(text=f"Pending change #{refusal.pending_id} was not applied: {refusal.reason}."),
            now_section,
        ],
        citations=book.citations,
        ephemeral=True,
        footer="Run /ev fact set again to preview the change against the current state.",
    )


def history_items(entries: list[HistoryEntry]) -> list[Item]:
    items: list[Item] = []
    for entry in entries:
        what = f"{entry.action} {entry.target}"
        if entry.property and entry.property in PROPERTIES:
            what += f" ({PROPERTIES[entry.property].label})"
        change = f"{entry.before or '—'} → {entry.after or '—'}"
        text = f"{entry.at:%Y-%m-%d %H:%M} UTC · {entry.actor} · {what}: {change}"
        if entry.reason:
            text += f" · why: {entry.reason}"
        items.append(Item(text=text))
    return items
