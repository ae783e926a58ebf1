"""``/ev admin add|remove|list``: who may curate (admins only; every change audited)."""

from __future__ import annotations

from bot.commands.registry import command
from bot.context import Context
from bot.grammar import UsageError
from bot.policy import removal_refusal, valid_principal
from bot.reply import Item, Reply, Section
from knowledge import curation

USAGE = "/ev admin list  ·  /ev admin add <platform:workspace:user>  ·  /ev admin remove <platform:workspace:user>"


@command(
    "admin",
    USAGE,
    "List, add or remove evbot admins (admins only)",
    min_args=1,
    max_args=2,
    permission="admin",
    examples=("/ev admin list", "/ev admin add slack:T0123:U0456"),
)
def admin_command(ctx: Context, args: list[str]) -> Reply:
    sub = args[0].lower()
    if sub == "list":
        return _list(ctx)
    if sub not in ("add", "remove"):
        raise UsageError(f"Unknown `admin` subcommand “{args[0]}”: use list, add or remove.", USAGE)
    if len(args) != 2:
        raise UsageError(f"`admin {sub}` needs a principal such as slack:T0123:U0456.", USAGE)
    principal = args[1].strip()
    if not valid_principal(principal):
        raise UsageError(
            f"“{principal}” is not a principal; write platform:workspace:user, e.g. console:local:alice.",
            USAGE,
        )
    if sub == "add":
        if principal in ctx.settings.admin_principals or not curation.add_admin(
            ctx.db, ctx.principal, principal
        ):
            return Reply(kind="info", title=f"{principal} is already an admin", ephemeral=True)
        return Reply(
            title=f"Added admin {principal}",
            sections=[Section(text="They can now curate the knowledge base.")],
        )
    with ctx.db.session() as session:
        stored = frozenset(a.principal for a in curation.stored_admins(session))
    refusal = removal_refusal(principal, ctx.settings.admin_principals, stored)
    if refusal:
        raise UsageError(f"Cannot remove: {refusal}.", USAGE)
    curation.remove_admin(ctx.db, ctx.principal, principal)
    return Reply(
        title=f"Removed admin {principal}",
        sections=[Section(text="The removal is recorded in the audit log.")],
    )


def _list(ctx: Context) -> Reply:
    items = [Item(text=f"{p} (from EVBOT_ADMINS)") for p in sorted(ctx.settings.admin_principals)]
    with ctx.db.session() as session:
        for row in curation.stored_admins(session):
            if row.principal not in ctx.settings.admin_principals:
                items.append(
                    Item(text=f"{row.principal} (added by {row.added_by} on {row.added_at:%Y-%m-%d})")
                )
    section = Section(bullets=items, text=None if items else "No admins are configured.")
    return Reply(
        title="evbot admins",
        sections=[section],
        ephemeral=True,
        footer="People with the platform's admin role are admins too.",
    )
