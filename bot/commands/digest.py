"""``/ev digest [full]``: preview this channel's next digest (only the asker sees it)."""

from __future__ import annotations

from bot.commands.registry import command
from bot.commands.subscribe import _default_tz, channel_subscription, require_channel
from bot.context import Context
from bot.digest.content import Digest, compose, scope_of
from bot.digest.timing import as_utc, local_label, next_occurrence, zone
from bot.grammar import UsageError
from bot.reply import Reply
from knowledge.schema import Subscription

USAGE = "/ev digest [full]   preview this channel's next digest; full: without the 10-bullet limit"


def channel_digest(ctx: Context, channel: str, full: bool) -> tuple[Digest, Subscription | None]:
    request = ctx.request
    now = as_utc(ctx.clock())
    with ctx.db.session() as session:
        sub = channel_subscription(session, request.platform, channel)
        if sub is not None:
            scope = scope_of(sub.companies, sub.topics, sub.tz, sub.quiet_mode)
        else:
            scope = scope_of((), (), _default_tz(ctx))
        day = now.astimezone(zone(scope.tz)).date()
        digest = compose(session, request.platform, channel, scope, now, digest_date=day, full=full)
    return digest, sub


@command("digest", USAGE, "Preview this channel's next daily digest", max_args=1,
         examples=("/ev digest", "/ev digest full"))  # fmt: skip
def digest(ctx: Context, args: list[str]) -> Reply:
    full = False
    if args:
        if args[0].lower() != "full":
            raise UsageError(f"`digest` takes only `full`, not “{args[0]}”.", USAGE)
        full = True
    channel = require_channel(ctx, USAGE)
    result, sub = channel_digest(ctx, channel, full)
    reply = result.reply.model_copy(deep=True)
    reply.ephemeral = True
    if sub is None:
        note = "Preview: this channel is not subscribed; /ev subscribe sends it every day."
    elif sub.paused:
        note = f"Preview: this channel's digest is paused ({sub.paused_reason}); /ev subscribe resumes it."
    else:
        upcoming = next_occurrence(ctx.clock(), sub.at_time, sub.tz)
        note = f"Preview of the digest due {local_label(upcoming, sub.tz)}."
        if result.quiet and sub.quiet_mode == "skip":
            note += " On a day like this nothing is posted (quiet days are skipped)."
    reply.footer = f"{reply.footer}\n{note}" if reply.footer else note
    return reply
