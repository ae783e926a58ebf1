"""``/ev review``: the extraction review queue (admins): approve, reject or merge items."""

from __future__ import annotations

from bot.commands.registry import command
from bot.context import Context
from bot.grammar import UsageError
from bot.reply import Item, Reply, Section
from knowledge import curation
from knowledge.curation import CurationError

USAGE = (
    "/ev review  ·  /ev review approve <id>  ·  /ev review reject <id>  ·  /ev review merge <id> <company>"
)
KIND_LABELS = {"unknown_org": "unknown organisation", "low_confidence": "low-confidence claim"}


def _item_id(text: str) -> int:
    cleaned = text.lstrip("#")
    if not cleaned.isdigit():
        raise UsageError(f"“{text}” is not a review item number.", USAGE)
    return int(cleaned)


@command(
    "review",
    USAGE,
    "Work through the extraction review queue (admins)",
    max_args=3,
    permission="admin",
    examples=("/ev review", "/ev review approve 3", "/ev review merge 4 nio"),
)
def review(ctx: Context, args: list[str]) -> Reply:
    if not args:
        return _queue(ctx)
    sub = args[0].lower()
    try:
        if sub in ("approve", "reject") and len(args) == 2:
            item_id = _item_id(args[1])
            done = (curation.review_approve if sub == "approve" else curation.review_reject)(
                ctx.db, ctx.principal, item_id
            )
            return Reply(title=f"Review item #{item_id} {sub}d", sections=[Section(text=done)])
        if sub == "merge" and len(args) == 3:
            item_id = _item_id(args[1])
            entity = ctx.names.resolve(args[2])
            done = curation.review_merge(ctx.db, ctx.principal, item_id, entity.id)
            return Reply(
                title=f"Review item #{item_id} merged into {entity.name_en}", sections=[Section(text=done)]
            )
    except CurationError as exc:
        raise UsageError(str(exc), USAGE) from exc
    raise UsageError("Use approve <id>, reject <id> or merge <id> <company>.", USAGE)


def _queue(ctx: Context) -> Reply:
    with ctx.db.session() as session:
        items = curation.open_review(session)
        bullets = []
        for item in items:
            text = f"#{item.id} {KIND_LABELS.get(item.kind, item.kind)}: {item.label} (seen {item.count}×)"
            if item.example_quote:
                text += f" — “{item.example_quote[:200]}”"
            bullets.append(Item(text=text))
    section = Section(bullets=bullets, text=None if bullets else "The review queue is empty.")
    return Reply(
        title="Review queue",
        sections=[section],
        ephemeral=True,
        footer="approve <id>: new company (or confirm the claim) · reject <id> · merge <id> <company>: add as alias",
    )
