"""``/ev companies [filter]``: the tracked companies and their brands, with the names users can type."""

from __future__ import annotations

from bot.commands.registry import command
from bot.context import Context
from bot.reply import Item, Reply, Section
from knowledge.gazetteer import EntityInfo
from knowledge.values import normalise_name

USAGE = "/ev companies [filter]   e.g. /ev companies, /ev companies byd"


def _line(entity: EntityInfo) -> str:
    extras = [x for x in (entity.name_zh, entity.ticker) if x]
    return f"{entity.name_en} ({entity.id})" + (f" — {', '.join(extras)}" if extras else "")


def _descendants(
    parent: str, by_parent: dict[str | None, list[EntityInfo]], depth: int
) -> list[tuple[int, EntityInfo]]:
    out: list[tuple[int, EntityInfo]] = []
    for child in sorted(by_parent.get(parent, []), key=lambda e: e.name_en.casefold()):
        out.append((depth, child))
        out.extend(_descendants(child.id, by_parent, depth + 1))
    return out


@command("companies", USAGE, "List the tracked companies and brands", max_args=1)
def companies(ctx: Context, args: list[str]) -> Reply:
    tracked = ctx.names.companies()
    wanted = normalise_name(args[0]) if args else ""
    by_parent: dict[str | None, list[EntityInfo]] = {}
    for entity in tracked:
        by_parent.setdefault(entity.parent_id, []).append(entity)
    sections: list[Section] = []
    for top in sorted((e for e in tracked if e.parent_id is None or e.parent_id not in ctx.names.gazetteer.entities),
                      key=lambda e: e.name_en.casefold()):  # fmt: skip
        family = [(0, top), *_descendants(top.id, by_parent, 1)]
        if wanted and not any(
            wanted in normalise_name(e.name_en) or wanted in e.id.replace("-", "") for _, e in family
        ):
            continue
        bullets = [Item(text=("   " * depth) + ("└ " if depth else "") + _line(e)) for depth, e in family]
        sections.append(Section(bullets=bullets))
    if not sections:
        sections.append(
            Section(text=f"No tracked company matches “{args[0]}”." if args else "No companies yet.")
        )
    return Reply(
        title=f"Tracked companies ({len(tracked)})",
        sections=sections,
        footer="Use any of these names (or the Chinese name or ticker) in /ev compare and /ev brief.",
        ephemeral=True,
    )
