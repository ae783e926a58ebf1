"""``/ev fact set|retract|confirm|history|undo``: admins curate facts; history is for everyone."""

from __future__ import annotations

from bot.commands.registry import command
from bot.context import Context
from bot.curation import (
    SET_USAGE,
    applied_reply,
    history_items,
    parse_claim_id,
    parse_set,
    preview_reply,
    property_or_suggest,
    stale_reply,
)
from bot.grammar import UsageError
from bot.reply import Item, Reply, Section
from knowledge import curation
from knowledge.curation import CurationError, StaleRefusal

USAGE = (
    '/ev fact set <company> <property> <value> [as of <date>] [source <url>] [note "…"]\n'
    "/ev fact retract <claim-id> [reason]  ·  /ev fact confirm <claim-id>  ·  /ev fact undo\n"
    "/ev fact history <company> [property]"
)
RETRACT_USAGE = '/ev fact retract <claim-id> [reason]   e.g. /ev fact retract 12 "misread the article"'
CONFIRM_USAGE = "/ev fact confirm <claim-id>   e.g. /ev fact confirm 12"
HISTORY_USAGE = "/ev fact history <company> [property]   e.g. /ev fact history xpeng ceo"
MUTATING = ("set", "retract", "confirm", "undo")


@command(
    "fact",
    USAGE,
    "Set, confirm, retract or undo a fact (admins); show a company's fact history",
    min_args=1,
    examples=(
        '/ev fact set xpeng ceo "Jane Doe"',
        "/ev fact retract 12 wrong company",
        "/ev fact confirm 15",
        "/ev fact history xpeng",
        "/ev fact undo",
    ),
)
def fact(ctx: Context, args: list[str]) -> Reply:
    sub, rest = args[0].lower(), args[1:]
    if sub in MUTATING:
        ctx.require("admin")  # before anything else is read or checked
    try:
        if sub == "set":
            return _set(ctx, rest)
        if sub == "retract":
            return _retract(ctx, rest)
        if sub == "confirm":
            return _confirm(ctx, rest)
        if sub == "undo":
            return _undo(ctx, rest)
        if sub == "history":
            return _history(ctx, rest)
    except CurationError as exc:
        raise UsageError(str(exc)) from exc
    raise UsageError(
        f"Unknown `fact` subcommand “{args[0]}”: use set, retract, confirm, history or undo.", USAGE
    )


def _set(ctx: Context, args: list[str]) -> Reply:
    draft = parse_set(ctx, args)
    preview = curation.preview_set(ctx.db, ctx.principal, draft, ctx.request.text)
    if preview.pending_id is None or not ctx.request.confirmed:
        return preview_reply(ctx, preview)
    outcome = curation.apply_pending(ctx.db, ctx.principal, preview.pending_id)
    return stale_reply(ctx, outcome) if isinstance(outcome, StaleRefusal) else applied_reply(ctx, outcome)


def _retract(ctx: Context, args: list[str]) -> Reply:
    if not args:
        raise UsageError("`fact retract` needs a claim number.", RETRACT_USAGE)
    claim_id = parse_claim_id(args[0], RETRACT_USAGE)
    reason = " ".join(args[1:]).strip() or None
    return applied_reply(ctx, curation.retract(ctx.db, ctx.principal, claim_id, reason, ctx.request.text))


def _confirm(ctx: Context, args: list[str]) -> Reply:
    if not args:
        raise UsageError("`fact confirm` needs a claim number.", CONFIRM_USAGE)
    claim_id = parse_claim_id(args[0], CONFIRM_USAGE)
    reason = " ".join(args[1:]).strip() or None
    return applied_reply(ctx, curation.confirm(ctx.db, ctx.principal, claim_id, reason, ctx.request.text))


def _undo(ctx: Context, args: list[str]) -> Reply:
    if args:
        raise UsageError("`fact undo` takes no arguments: it reverts your last change.", "/ev fact undo")
    undone = curation.undo(ctx.db, ctx.principal)
    from knowledge.store import claim_value

    if undone.removed_names:
        return Reply(
            title=f"Undone: change #{undone.change_id} ({undone.action.replace('_', ' ')})",
            sections=[Section(title="Removed", bullets=[Item(text=name) for name in undone.removed_names])],
            footer="The undo is recorded in the audit log.",
        )
    section = Section(title="Restored")
    for claim in undone.restored:
        section.bullets.append(Item(text=f"{claim_value(claim).display()} is {claim.status} again"
                                    if claim.status != "retracted" else
                                    f"{claim_value(claim).display()} is withdrawn (retracted)",
                                    note=f"claim #{claim.id}"))  # fmt: skip
    return Reply(
        title=f"Undone: change #{undone.change_id} ({undone.action.replace('_', ' ')})",
        sections=[section],
        footer="The undo is recorded in the history; nothing was deleted.",
    )


def _history(ctx: Context, args: list[str]) -> Reply:
    if not args or len(args) > 4:
        raise UsageError("`fact history` needs a company and optionally a property.", HISTORY_USAGE)
    entity = ctx.names.resolve(args[0])
    prop = property_or_suggest(" ".join(args[1:]), HISTORY_USAGE) if len(args) > 1 else None
    with ctx.db.session() as session:
        entries = curation.history(session, entity.id, prop.id if prop else None)
    title = f"History: {entity.name_en}" + (f" · {prop.label}" if prop else "")
    section = Section(bullets=history_items(entries))
    if not entries:
        section.text = "No changes are recorded yet."
    return Reply(
        title=title,
        subtitle="Every recorded change: when, who, what, before → after, why.",
        sections=[section],
    )


__all__ = ["SET_USAGE", "fact"]
