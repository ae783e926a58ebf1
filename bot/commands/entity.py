"""``/ev entity add`` and ``/ev alias add``: admins extend the names the bot knows."""

from __future__ import annotations

from bot.commands.registry import command
from bot.context import Context
from bot.grammar import UsageError
from bot.reply import Reply, Section
from knowledge import curation
from knowledge.curation import CurationError

ENTITY_USAGE = (
    "/ev entity add <name> [alias <alias> …] [ticker <ticker> …] [parent <company>] [type company|brand|…]\n"
    '   e.g. /ev entity add "Onvo" alias 乐道 parent nio'
)
ALIAS_USAGE = "/ev alias add <company> <alias>   e.g. /ev alias add li-auto 理想汽车"
KEYWORDS = {"alias": "alias", "aliases": "alias", "aka": "alias", "ticker": "ticker", "tickers": "ticker",
            "parent": "parent", "type": "type"}  # fmt: skip
ENTITY_TYPES = ("company", "brand", "person", "product", "ai_model", "rd_site", "place")


@command(
    "entity",
    ENTITY_USAGE,
    "Add a company or brand (admins)",
    min_args=2,
    permission="admin",
    examples=('/ev entity add "Onvo" alias 乐道 parent nio',),
)
def entity_command(ctx: Context, args: list[str]) -> Reply:
    if args[0].lower() != "add":
        raise UsageError(f"Unknown `entity` subcommand “{args[0]}”: use add.", ENTITY_USAGE)
    name = args[1]
    lists: dict[str, list[str]] = {"alias": [], "ticker": [], "parent": [], "type": []}
    current: str | None = None
    for token in args[2:]:
        key = KEYWORDS.get(token.lower(), "")
        if key in lists:
            current = key
        elif current is None:
            raise UsageError(f"“{token}”: say what it is (alias, ticker, parent or type).", ENTITY_USAGE)
        else:
            lists[current].append(token)
    if len(lists["parent"]) > 1 or len(lists["type"]) > 1:
        raise UsageError("Give at most one parent and one type.", ENTITY_USAGE)
    parent = ctx.names.resolve(lists["parent"][0]).id if lists["parent"] else None
    kind = lists["type"][0].lower() if lists["type"] else None
    if kind is not None and kind not in ENTITY_TYPES:
        raise UsageError(f"Unknown type “{kind}”: use one of {', '.join(ENTITY_TYPES)}.", ENTITY_USAGE)
    try:
        entity = curation.add_entity(
            ctx.db, ctx.principal, name, lists["alias"], lists["ticker"], parent, kind
        )
    except CurationError as exc:
        raise UsageError(str(exc), ENTITY_USAGE) from exc
    details = [f"id {entity.id}", entity.type]
    if entity.parent_id:
        details.append(f"part of {ctx.names.gazetteer.display_name(entity.parent_id)}")
    names = [*entity.aliases, *entity.tickers]
    text = f"Also known as: {', '.join(names)}." if names else "No aliases yet: add some with /ev alias add."
    return Reply(title=f"Added {entity.name} ({', '.join(details)})", sections=[Section(text=text)])


@command(
    "alias",
    ALIAS_USAGE,
    "Teach the bot another name for a company (admins)",
    min_args=3,
    max_args=3,
    permission="admin",
    examples=("/ev alias add li-auto 理想汽车",),
)
def alias_command(ctx: Context, args: list[str]) -> Reply:
    if args[0].lower() != "add":
        raise UsageError(f"Unknown `alias` subcommand “{args[0]}”: use add.", ALIAS_USAGE)
    entity = ctx.names.resolve(args[1])
    alias = " ".join(args[2].split())
    others = [e for e in ctx.names.gazetteer.lookup(alias) if e != entity.id]
    try:
        added = curation.add_alias(ctx.db, ctx.principal, entity.id, alias)
    except CurationError as exc:
        raise UsageError(str(exc), ALIAS_USAGE) from exc
    if not added:
        return Reply(kind="info", title=f"“{alias}” already names {entity.name_en}", ephemeral=True)
    text = f"“{alias}” now names {entity.name_en}."
    if others:
        text += f" It also names {', '.join(others)}; the bot will prefer the exact id when both match."
    return Reply(title=f"Alias added: {alias} → {entity.name_en}", sections=[Section(text=text)])
