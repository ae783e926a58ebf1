"""``evbot digest``: print a channel's digest (--dry-run) or deliver it now and record it."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

import click
from sqlalchemy import select

from adapters.cli.main import cli, settings_of
from adapters.posters import ConsolePoster
from bot.app import build_core
from bot.digest.content import compose, scope_of
from bot.digest.delivery import Deliverer, Due
from bot.digest.scheduler import replica_name
from bot.digest.timing import Occurrence, as_utc, zone
from bot.text import to_text
from knowledge.schema import DigestDelivery, Subscription


@cli.command("digest")
@click.option("--channel", required=True, help="The channel whose digest to build.")
@click.option("--platform", default="console", show_default=True, help="The channel's platform.")
@click.option("--dry-run", is_flag=True, help="Print the digest without posting or recording anything.")
@click.option("--full", is_flag=True, help="With --dry-run: every item, not only the first ten.")
@click.pass_context
def digest(ctx: click.Context, channel: str, platform: str, dry_run: bool, full: bool) -> None:
    """Print a channel's next digest, or deliver today's now (printed) and record it as sent."""
    core = build_core(settings_of(ctx))
    now = as_utc(core.clock())
    with core.db.session() as session:
        sub = session.scalars(
            select(Subscription).where(Subscription.platform == platform, Subscription.channel == channel)
        ).first()
    if sub is not None:
        scope = scope_of(sub.companies, sub.topics, sub.tz, sub.quiet_mode)
        catchup = timedelta(hours=sub.catchup_hours)
    else:
        scope = scope_of((), (), zone(core.settings.default_tz).key)
        catchup = timedelta(hours=6)
        click.echo(
            f"({platform}:{channel} is not subscribed: using the defaults, every tracked company)", err=True
        )
    day = now.astimezone(zone(scope.tz)).date()
    if dry_run:
        with core.db.session() as session:
            result = compose(session, platform, channel, scope, now, digest_date=day, full=full)
        click.echo(to_text(result.reply), nl=False)
        if result.quiet and scope.quiet_mode == "skip":
            click.echo("(a quiet day: this channel skips the digest, nothing would be posted)", err=True)
        return
    due = Due(sub.id if sub is not None else 0, platform, sub.workspace if sub is not None else "local", channel,
              scope, Occurrence(day, now, now + catchup))  # fmt: skip
    poster = ConsolePoster(platform=platform, write=lambda text: click.echo(text, nl=False))
    deliverer = Deliverer(core.db, {platform: poster}, replica=replica_name())
    outcome = asyncio.run(deliverer.deliver(due))
    if outcome == "busy":
        with core.db.session() as session:
            row = session.scalars(
                select(DigestDelivery).where(DigestDelivery.platform == platform, DigestDelivery.channel == channel,
                                             DigestDelivery.digest_date == due.digest_date)
            ).first()  # fmt: skip
        status = row.status if row is not None else "claimed"
        click.echo(f"{platform}:{channel} {due.digest_date}: nothing delivered — the digest is already {status}.",
                   err=True)  # fmt: skip
        sys.exit(1)
    click.echo(f"{platform}:{channel} {due.digest_date}: {outcome}", err=True)
    if outcome not in ("sent", "skipped"):
        sys.exit(1)
