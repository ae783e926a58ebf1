"""``to_text``: the plain-text rendering of a reply (console output and every platform's fallback)."""

from __future__ import annotations

import textwrap

from bot.reply import Item, Reply, Table


def cite(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def item_text(item: Item) -> str:
    text = item.text
    if item.citations:
        text += " " + cite(item.citations)
    if item.conflicts:
        others = "; ".join(item_text(other) for other in item.conflicts)
        text += f" ⚠ conflict: {others}"
    return text


def items_text(items: list[Item], empty: str = "—") -> str:
    return "; ".join(item_text(item) for item in items) if items else empty


def table_text(table: Table, width: int = 100) -> str:
    """A table as label blocks: one block per row, one line per column (it reads well at any width)."""
    lines: list[str] = []
    label_width = max((len(c) for c in table.columns), default=0)
    for row in table.rows:
        lines.append(f"{row.label}")
        for column, cell in zip(table.columns, row.cells, strict=False):
            prefix = f"  {column.ljust(label_width)} │ "
            wrapped = textwrap.wrap(items_text(cell), width=max(30, width - len(prefix))) or ["—"]
            lines.append(prefix + wrapped[0])
            lines.extend(" " * (len(prefix) - 2) + "│ " + rest for rest in wrapped[1:])
    return "\n".join(lines)


def to_text(reply: Reply, width: int = 100) -> str:
    out: list[str] = [reply.title]
    if reply.subtitle:
        out.append(reply.subtitle)
    if reply.table is not None:
        out.append("")
        out.append(table_text(reply.table, width))
    for section in reply.sections:
        out.append("")
        if section.title:
            out.append(section.title)
        if section.text:
            out.append(section.text)
        for field in section.fields:
            out.append(f"  {field.label}: {items_text(field.items)}")
        for bullet in section.bullets:
            out.append(f"  • {item_text(bullet)}")
    if reply.actions:
        out.append("")
        out.extend(f"  → {action.label}: {action.command}" for action in reply.actions)
    if reply.citations:
        out.append("")
        out.append("Sources")
        for citation in reply.citations:
            link = f" {citation.url}" if citation.url and not citation.admin else ""
            out.append(f"  [{citation.n}] {citation.label()}{link}")
    if reply.footer:
        out.append("")
        out.append(reply.footer)
    return "\n".join(out).rstrip() + "\n"
