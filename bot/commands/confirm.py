"""``/ev confirm [id]`` and ``/ev cancel [id]``: answer a previewed change (the buttons run these)."""

from __future__ import annotations

from bot.commands.registry import command
from bot.context import Context
from bot.curation import applied_reply, stale_reply
from bot.grammar import UsageError
from bot.reply import Reply, Section
from knowledge import curation
from knowledge.curation import CurationError, StaleRefusal

CONFIRM_USAGE = "/ev confirm [pending-id]   (without an id: your latest preview)"
CANCEL_USAGE = "/ev cancel [pending-id]"


def _pending_id(args: list[str], usage: str) -> int | None:
    if not args:
        return None
    text = args[0].lstrip("#")
    if not text.isdigit():
        raise UsageError(f"“{args[0]}” is not a pending change number.", usage)
    return int(text)


@command("confirm", CONFIRM_USAGE, "Apply a previewed change", max_args=1, permission="admin")
def confirm_command(ctx: Context, args: list[str]) -> Reply:
    pending_id = _pending_id(args, CONFIRM_USAGE)
    try:
        outcome = curation.apply_pending(ctx.db, ctx.principal, pending_id, ctx.clock())
    except CurationError as exc:
        raise UsageError(str(exc), CONFIRM_USAGE) from exc
    return stale_reply(ctx, outcome) if isinstance(outcome, StaleRefusal) else applied_reply(ctx, outcome)


@command("cancel", CANCEL_USAGE, "Drop a previewed change", max_args=1, permission="admin")
def cancel_command(ctx: Context, args: list[str]) -> Reply:
    pending_id = _pending_id(args, CANCEL_USAGE)
    try:
        cancelled = curation.cancel_pending(ctx.db, ctx.principal, pending_id)
    except CurationError as exc:
        raise UsageError(str(exc), CANCEL_USAGE) from exc
    return Reply(
        kind="info",
        title=f"Cancelled pending change #{cancelled}",
        sections=[Section(text="Nothing was changed.")],
        ephemeral=True,
    )
