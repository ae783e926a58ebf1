"""``/ev subscribe``, ``/ev unsubscribe``, ``/ev subscriptions``: a channel's daily digest settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.commands.registry import command
from bot.context import Context
from bot.digest.content import TOPIC_NAMES
from bot.digest.timing import DEFAULT_TIME, BadSchedule, local_label, next_occurrence, parse_hhmm, zone
from bot.grammar import UsageError
from bot.reply import FieldRow, Item, Reply, Section
from knowledge.schema import DigestDelivery, Entity, Subscription
from knowledge.store import audit

USAGE = ("/ev subscribe [companies…|topics…|all] [at HH:MM] [tz Area/City] [quiet post|skip]\n"
         "e.g. /ev subscribe xpeng nio sales at 08:30 tz Asia/Shanghai quiet skip")  # fmt: skip
UNSUBSCRIBE_USAGE = "/ev unsubscribe"
LIST_USAGE = "/ev subscriptions"
QUIET_MODES = ("post", "skip")
_TOPIC_ALIASES = {t.replace("_", "-"): t for t in TOPIC_NAMES} | {t: t for t in TOPIC_NAMES}


def channel_subscription(session: Session, platform: str, channel: str) -> Subscription | None:
    return session.scalars(
        select(Subscription).where(Subscription.platform == platform, Subscription.channel == channel)
    ).first()


def require_channel(ctx: Context, usage: str) -> str:
    """The request's channel, or a usage error saying where to run the command."""
    channel = ctx.request.channel
    if not channel:
        raise UsageError(
            "This command needs a channel: run it in the channel that gets the digest "
            '(on the console: evbot ask --channel NAME "/ev …").',
            usage,
        )
    return channel


def parse_options(ctx: Context, args: list[str], current: Subscription | None) -> dict[str, Any]:
    """Companies, topics, time, zone and quiet mode; what is not given keeps its current value."""
    tokens = [part for arg in args for part in arg.replace(",", " ").split()]
    companies: list[str] = []
    topics: list[str] = []
    reset_companies = False
    values: dict[str, Any] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        word = token.lower()
        if word in ("at", "tz", "quiet"):
            if i + 1 >= len(tokens):
                raise UsageError(f"`{word}` needs a value.", USAGE)
            value = tokens[i + 1]
            try:
                if word == "at":
                    values["at_time"] = parse_hhmm(value)
                elif word == "tz":
                    values["tz"] = zone(value).key
                elif value.lower() in QUIET_MODES:
                    values["quiet_mode"] = value.lower()
                else:
                    raise UsageError(f"`quiet` takes post or skip, not “{value}”.", USAGE)
            except BadSchedule as exc:
                raise UsageError(str(exc), USAGE) from exc
            i += 2
            continue
        if word == "all":
            reset_companies = True
        elif word in _TOPIC_ALIASES:
            if _TOPIC_ALIASES[word] not in topics:
                topics.append(_TOPIC_ALIASES[word])
        else:
            entity = ctx.names.resolve(token)  # NotFound becomes a reply with suggestions
            if entity.id not in companies:
                companies.append(entity.id)
        i += 1
    if companies or reset_companies:
        values["companies"] = companies
    if topics:
        values["topics"] = topics
    if current is None:
        defaults = {"companies": [], "topics": [], "at_time": DEFAULT_TIME, "tz": _default_tz(ctx),
                    "quiet_mode": "post"}  # fmt: skip
        values = defaults | values
    return values


def _default_tz(ctx: Context) -> str:
    try:
        return zone(ctx.settings.default_tz).key
    except BadSchedule:
        return "UTC"


def _snapshot(sub: Subscription) -> dict[str, Any]:
    return {"companies": list(sub.companies or []), "topics": list(sub.topics or []), "at": sub.at_time,
            "tz": sub.tz, "quiet": sub.quiet_mode, "paused": sub.paused}  # fmt: skip


def _names(ctx: Context, ids: list[Any]) -> str:
    if not ids:
        return "every tracked company"
    with ctx.db.session() as session:
        names = dict(
            session.execute(
                select(Entity.id, Entity.name_en).where(Entity.id.in_([str(i) for i in ids]))
            ).all()
        )
    return ", ".join(names.get(str(i), str(i)) for i in ids)


def describe(ctx: Context, sub: Subscription) -> list[FieldRow]:
    topics = ", ".join(str(t).replace("_", " ") for t in sub.topics or []) or "all topics"
    quiet = "post a one-line “no changes”" if sub.quiet_mode == "post" else "skip the digest"
    rows = [
        FieldRow(label="Companies", items=[Item(text=_names(ctx, list(sub.companies or [])))]),
        FieldRow(label="Topics", items=[Item(text=topics)]),
        FieldRow(label="Time", items=[Item(text=f"{sub.at_time} {sub.tz}")]),
        FieldRow(label="Quiet days", items=[Item(text=quiet)]),
    ]
    if sub.paused:
        rows.append(FieldRow(label="Paused", items=[Item(text=sub.paused_reason or "paused")]))
    else:
        upcoming = next_occurrence(ctx.clock(), sub.at_time, sub.tz)
        rows.append(FieldRow(label="Next digest", items=[Item(text=local_label(upcoming, sub.tz))]))
    return rows


@command("subscribe", USAGE, "Get a daily digest in this channel (companies, topics, time, zone)",
         permission="manage_channel",
         examples=("/ev subscribe xpeng nio at 08:30 tz Asia/Shanghai", "/ev subscribe all quiet skip"))  # fmt: skip
def subscribe(ctx: Context, args: list[str]) -> Reply:
    channel = require_channel(ctx, USAGE)
    request = ctx.request
    with ctx.db.session() as session:
        current = channel_subscription(session, request.platform, channel)
    values = parse_options(ctx, args, current)
    with ctx.db.transaction() as session:
        sub = channel_subscription(session, request.platform, channel)
        before = _snapshot(sub) if sub is not None else None
        if sub is None:
            sub = Subscription(platform=request.platform, workspace=request.workspace, channel=channel,
                               created_by=request.principal, created_at=ctx.clock(), catchup_hours=6.0)  # fmt: skip
            session.add(sub)
        for name, value in values.items():
            setattr(sub, name, value)
        sub.paused = False
        sub.paused_reason = None
        session.flush()
        audit(session, request.principal, "subscribe" if before is None else "update", "subscription",
              f"{request.platform}:{channel}", before=before, after=_snapshot(sub))  # fmt: skip
    verb = "subscribed to" if before is None else "updated its subscription to"
    return Reply(title="Daily digest", subtitle=f"#{channel} {verb} the daily digest",
                 sections=[Section(fields=describe(ctx, sub))],
                 footer="Preview it with /ev digest; stop it with /ev unsubscribe.")  # fmt: skip


@command("unsubscribe", UNSUBSCRIBE_USAGE, "Stop this channel's daily digest", max_args=0,
         permission="manage_channel")  # fmt: skip
def unsubscribe(ctx: Context, args: list[str]) -> Reply:
    channel = require_channel(ctx, UNSUBSCRIBE_USAGE)
    request = ctx.request
    with ctx.db.transaction() as session:
        sub = channel_subscription(session, request.platform, channel)
        if sub is None:
            return Reply(kind="info", title="Daily digest", ephemeral=True,
                         sections=[Section(text=f"#{channel} has no digest subscription.")])  # fmt: skip
        before = _snapshot(sub)
        session.delete(sub)
        audit(session, request.principal, "unsubscribe", "subscription", f"{request.platform}:{channel}",
              before=before)  # fmt: skip
    return Reply(
        title="Daily digest", sections=[Section(text=f"#{channel} will no longer get the daily digest.")]
    )


@command("subscriptions", LIST_USAGE, "List this workspace's digest subscriptions", max_args=0,
         permission="manage_channel")  # fmt: skip
def subscriptions(ctx: Context, args: list[str]) -> Reply:
    request = ctx.request
    with ctx.db.session() as session:
        subs = list(session.scalars(
            select(Subscription)
            .where(Subscription.platform == request.platform, Subscription.workspace == request.workspace)
            .order_by(Subscription.channel)
        ))  # fmt: skip
        last: dict[str, tuple[str, str]] = {}
        for sub in subs:
            row = session.execute(
                select(DigestDelivery.digest_date, DigestDelivery.status)
                .where(DigestDelivery.platform == sub.platform, DigestDelivery.channel == sub.channel)
                .order_by(DigestDelivery.digest_date.desc()).limit(1)
            ).first()  # fmt: skip
            if row is not None:
                last[sub.channel] = (row[0], row[1])
    if not subs:
        return Reply(kind="info", title="Digest subscriptions", ephemeral=True,
                     sections=[Section(text="No channel here gets the daily digest yet. Try /ev subscribe.")])  # fmt: skip
    sections = []
    for sub in subs:
        fields = describe(ctx, sub)
        if sub.channel in last:
            day, status = last[sub.channel]
            fields.append(FieldRow(label="Last digest", items=[Item(text=f"{day}: {status}")]))
        here = " (this channel)" if sub.channel == request.channel else ""
        sections.append(Section(title=f"#{sub.channel}{here}", fields=fields))
    return Reply(
        title="Digest subscriptions", subtitle=f"{len(subs)} channel(s)", sections=sections, ephemeral=True
    )
