"""``to_discord``: a ``Reply`` as Discord message payloads (a pure function, no client needed).

Each payload is the JSON body Discord accepts for a message (``content``, ``embeds``,
``components``, ``allowed_mentions``, ``flags``). A reply too large for one message is split into
follow-ups; beyond ``MAX_MESSAGES`` the rest is cut with "…and N more". Every piece of stored
text goes through ``inert``: markdown is escaped and mentions cannot ping, and on top of that
every payload says ``allowed_mentions = {"parse": []}``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from discord.utils import escape_markdown

from bot.reply import Action, Citation, Item, Reply, Table
from bot.text import cite

# Discord's documented limits (resources/message.mdx).
CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000  # across all embeds of one message
EMBEDS_MAX = 10
BUTTONS_PER_ROW = 5
ROWS_MAX = 5
BUTTON_LABEL_MAX = 80
CUSTOM_ID_MAX = 100

MAX_MESSAGES = 5  # a reply never becomes more than this many messages
CODE_TABLE_WIDTH = 56  # a monospace table wider than this wraps on desktop clients
EPHEMERAL_FLAG = 64
NO_MENTIONS: dict[str, list[str]] = {"parse": []}
ACTION_PREFIX = "evbot:a:"
ACTION_KEY_LEN = 20
ZWSP = "\u200b"
BLANK = ZWSP  # Discord rejects empty field names and values

COLOURS = {
    "answer": 0x2F6FDE,
    "info": 0x5865F2,
    "confirm": 0xF0B232,
    "usage": 0xE67E22,
    "not_found": 0xE67E22,
    "refused": 0xDA373C,
    "error": 0xDA373C,
}
BUTTON_STYLES = {"primary": 1, "default": 2, "danger": 4}

_MENTION_AT = re.compile(r"@")
_SAFE_URL = re.compile(r"^https?://[^\s<>()\[\]]+$", re.IGNORECASE)


def size(text: str) -> int:
    """Length as Discord may count it (UTF-16 code units, never less than code points)."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int, tail: str = "…") -> str:
    """Cut ``text`` to at most ``limit`` units, marking the cut."""
    if size(text) <= limit:
        return text
    budget = limit - size(tail)
    kept: list[str] = []
    used = 0
    for char in text:
        width = size(char)
        if used + width > budget:
            break
        kept.append(char)
        used += width
    out = "".join(kept)
    # never leave a dangling escape backslash before the ellipsis
    return out.rstrip("\\") + tail


def inert(text: str) -> str:
    """Stored text made safe to show: markdown escaped, every ``@`` unable to mention."""
    escaped = escape_markdown(text)
    return _MENTION_AT.sub("@" + ZWSP, escaped)


def inert_code(text: str) -> str:
    """Text for a code block: backticks cannot close it and ``@`` cannot mention."""
    return _MENTION_AT.sub("@" + ZWSP, text.replace("`", "ˋ"))


def item_markdown(item: Item) -> str:
    text = inert(item.text)
    if item.citations:
        text += " " + cite(item.citations)
    if item.conflicts:
        text += " ⚠ conflict: " + "; ".join(item_markdown(other) for other in item.conflicts)
    return text


def items_markdown(items: list[Item]) -> str:
    return "; ".join(item_markdown(item) for item in items) if items else "—"


def safe_url(url: str | None) -> str | None:
    """A URL fit for a markdown link (http/https, no characters that would end the link early)."""
    if not url:
        return None
    cleaned = url.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return cleaned if _SAFE_URL.match(cleaned) and size(cleaned) <= 512 else None


def citation_markdown(citation: Citation) -> str:
    label = inert(citation.label())
    if citation.admin:
        return f"[{citation.n}] {label}"
    url = safe_url(citation.url)
    # the angle brackets keep Discord from unfurling every source into a preview
    return f"[{citation.n}] [{label}](<{url}>)" if url else f"[{citation.n}] {label}"


def action_key(command: str) -> str:
    return hashlib.sha256(command.encode("utf-8")).hexdigest()[:ACTION_KEY_LEN]


def action_custom_id(command: str) -> str:
    return ACTION_PREFIX + action_key(command)


def _components(actions: list[Action]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for action in actions[: BUTTONS_PER_ROW * ROWS_MAX]:
        if not rows or len(rows[-1]["components"]) == BUTTONS_PER_ROW:
            rows.append({"type": 1, "components": []})
        rows[-1]["components"].append(
            {
                "type": 2,
                "style": BUTTON_STYLES.get(action.style, 2),
                # labels show no markdown, but an @ still must not look like a mention
                "label": clip(_MENTION_AT.sub("@" + ZWSP, action.label.strip() or "Run"), BUTTON_LABEL_MAX),
                "custom_id": action_custom_id(action.command),
            }
        )
    return rows


# -- layout -----------------------------------------------------------------------------------


@dataclass
class _Field:
    name: str
    value: str
    inline: bool = False

    @property
    def cost(self) -> int:
        return size(self.name) + size(self.value)


@dataclass
class _Layout:
    """What the reply contributes, before it is packed into messages."""

    title: str
    description: list[str] = field(default_factory=list)  # paragraphs
    fields: list[_Field] = field(default_factory=list)
    footer: str | None = None
    colour: int = COLOURS["answer"]


def _chunk_lines(lines: list[str], limit: int) -> list[str]:
    """Join lines into chunks of at most ``limit`` units, clipping any single line that is too long."""
    chunks: list[str] = []
    current = ""
    for raw in lines:
        line = clip(raw, limit)
        candidate = f"{current}\n{line}" if current else line
        if size(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = line
    if current:
        chunks.append(current)
    return chunks


def _fields_for(name: str, lines: list[str], inline: bool = False) -> list[_Field]:
    chunks = _chunk_lines(lines, FIELD_VALUE_MAX) or ["—"]
    head = clip(name, FIELD_NAME_MAX - 10) or BLANK
    return [
        _Field(head if index == 0 else f"{head} (cont.)", chunk, inline) for index, chunk in enumerate(chunks)
    ]


def code_table(table: Table) -> str | None:
    """The table as a monospace block, or None when it would not fit the width or contains citations lists too long."""
    header = [table.corner, *table.columns]
    body = [[row.label, *(_plain_cell(cell) for cell in row.cells)] for row in table.rows]
    widths = [max(size(line[i]) for line in [header, *body]) for i in range(len(header))]
    if sum(widths) + 3 * (len(widths) - 1) > CODE_TABLE_WIDTH:
        return None
    rows = [header, ["-" * w for w in widths], *body]
    text = "\n".join(
        " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=False)).rstrip() for line in rows
    )
    block = f"```\n{inert_code(text)}\n```"
    return block if size(block) <= DESCRIPTION_MAX else None


def _plain_cell(items: list[Item]) -> str:
    if not items:
        return "—"
    parts = []
    for item in items:
        text = item.text + (" " + cite(item.citations) if item.citations else "")
        if item.conflicts:
            text += " ⚠"
        parts.append(text)
    return "; ".join(parts).replace("\n", " ")


def _table_fields(table: Table) -> list[_Field]:
    """One inline field per company (side by side), continued in blocks of rows when long."""
    per_column: list[list[str]] = [[] for _ in table.columns]
    for row in table.rows:
        label = f"**{inert(row.label)}**"
        for index in range(len(table.columns)):
            cell = row.cells[index] if index < len(row.cells) else []
            per_column[index].append(f"{label}: {items_markdown(cell)}")
    chunked = [
        _fields_for(inert(column), lines, inline=True)
        for column, lines in zip(table.columns, per_column, strict=False)
    ]
    # interleave so that block k of every company sits in the same visual row
    out: list[_Field] = []
    for block in range(max((len(c) for c in chunked), default=0)):
        for column_fields in chunked:
            if block < len(column_fields):
                out.append(column_fields[block])
    return out


def _layout(reply: Reply) -> _Layout:
    layout = _Layout(
        title=clip(inert(reply.title), TITLE_MAX) or BLANK, colour=COLOURS.get(reply.kind, COLOURS["answer"])
    )
    if reply.subtitle:
        layout.description.append(f"*{inert(reply.subtitle)}*")
    if reply.table is not None and reply.table.rows:
        block = code_table(reply.table) if len(reply.table.columns) > 3 else None
        if block is not None:
            layout.description.append(block)
        else:
            layout.fields.extend(_table_fields(reply.table))
    for section in reply.sections:
        if section.title and not (section.text or section.fields or section.bullets):
            layout.description.append(f"**{inert(section.title)}**")
        lines: list[str] = []
        if section.text:
            lines.extend(inert(section.text).splitlines() or [""])
        for row in section.fields:
            lines.append(f"**{inert(row.label)}**: {items_markdown(row.items)}")
        lines.extend(f"• {item_markdown(bullet)}" for bullet in section.bullets)
        if not lines:
            continue
        if section.title:
            layout.fields.extend(_fields_for(f"{inert(section.title)}", lines))
        else:
            layout.description.append("\n".join(lines))
    if reply.citations:
        layout.fields.extend(_fields_for("Sources", [citation_markdown(c) for c in reply.citations]))
    if len(reply.actions) > BUTTONS_PER_ROW * ROWS_MAX:
        layout.description.append(
            f"…and {len(reply.actions) - BUTTONS_PER_ROW * ROWS_MAX} more actions not shown"
        )
    if reply.footer:
        layout.footer = clip(inert(reply.footer), FOOTER_MAX)
    return layout


# -- packing ----------------------------------------------------------------------------------


class _Packer:
    """Fills embeds and messages in order, never passing a limit."""

    def __init__(self, colour: int) -> None:
        self.colour = colour
        self.messages: list[list[dict[str, Any]]] = [[]]
        self.used = 0  # embed characters in the current message

    @property
    def embed(self) -> dict[str, Any] | None:
        current = self.messages[-1]
        return current[-1] if current else None

    def new_message(self) -> None:
        self.messages.append([])
        self.used = 0

    def new_embed(self, title: str | None = None) -> dict[str, Any]:
        cost = size(title) if title else 0
        if len(self.messages[-1]) >= EMBEDS_MAX or self.used + cost > EMBED_TOTAL_MAX:
            self.new_message()
        embed: dict[str, Any] = {"type": "rich", "color": self.colour}
        if title:
            embed["title"] = title
        self.messages[-1].append(embed)
        self.used += cost
        return embed

    def fits(self, cost: int) -> bool:
        return self.used + cost <= EMBED_TOTAL_MAX

    def add_description(self, text: str) -> None:
        for chunk in _chunk_lines(text.split("\n"), DESCRIPTION_MAX):
            embed = self.embed
            if embed is None or "description" in embed or embed.get("fields") or not self.fits(size(chunk)):
                if not self.fits(size(chunk)):
                    self.new_message()
                embed = self.new_embed()
            embed["description"] = chunk
            self.used += size(chunk)

    def add_field(self, item: _Field) -> None:
        embed = self.embed
        if embed is None or len(embed.get("fields", [])) >= FIELDS_MAX or not self.fits(item.cost):
            if not self.fits(item.cost):
                self.new_message()
            embed = self.new_embed()
        embed.setdefault("fields", []).append({"name": item.name, "value": item.value, "inline": item.inline})
        self.used += item.cost

    def add_footer(self, text: str) -> None:
        embed = self.embed
        if embed is None or not self.fits(size(text)):
            if not self.fits(size(text)):
                self.new_message()
            embed = self.new_embed()
        embed["footer"] = {"text": text}
        self.used += size(text)


def _count_units(messages: list[list[dict[str, Any]]]) -> int:
    return sum(
        len(embed.get("fields", [])) + (1 if "description" in embed else 0) for m in messages for embed in m
    )


def _truncate(messages: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """Keep ``MAX_MESSAGES`` messages; the last kept one ends with "…and N more"."""
    if len(messages) <= MAX_MESSAGES:
        return messages
    kept = messages[:MAX_MESSAGES]
    dropped = _count_units(messages[MAX_MESSAGES:])
    note = f"…and {dropped} more part(s) not shown. Ask for less, e.g. one company at a time."
    last = kept[-1]
    used = sum(_embed_size(embed) for embed in last)
    while last and (used + size(note) > EMBED_TOTAL_MAX or len(last[-1].get("fields", [])) >= FIELDS_MAX):
        embed = last[-1]
        fields = embed.get("fields", [])
        if fields:
            removed = fields.pop()
            used -= size(removed["name"]) + size(removed["value"])
            dropped += 1
            note = f"…and {dropped} more part(s) not shown. Ask for less, e.g. one company at a time."
        else:
            used -= _embed_size(last.pop())
    if last and len(last[-1].get("fields", [])) < FIELDS_MAX:
        last[-1].setdefault("fields", []).append({"name": "More", "value": note, "inline": False})
    else:
        last.append({"type": "rich", "description": note})
    return kept


def _embed_size(embed: dict[str, Any]) -> int:
    total = size(embed.get("title", "")) + size(embed.get("description", ""))
    total += sum(size(f["name"]) + size(f["value"]) for f in embed.get("fields", []))
    total += size(embed.get("footer", {}).get("text", ""))
    total += size(embed.get("author", {}).get("name", ""))
    return total


def to_discord(reply: Reply) -> list[dict[str, Any]]:
    """The reply as message payloads: the first message, then follow-ups when it had to be split."""
    layout = _layout(reply)
    packer = _Packer(layout.colour)
    packer.new_embed(layout.title)
    for paragraph in layout.description:
        packer.add_description(paragraph)
    for item in layout.fields:
        packer.add_field(item)
    if layout.footer:
        packer.add_footer(layout.footer)
    messages = _truncate([m for m in packer.messages if m])
    payloads: list[dict[str, Any]] = []
    for embeds in messages:
        payload: dict[str, Any] = {"embeds": embeds, "allowed_mentions": {"parse": []}}
        if reply.ephemeral:
            payload["flags"] = EPHEMERAL_FLAG
        payloads.append(payload)
    if reply.actions:
        payloads[-1]["components"] = _components(reply.actions)
    return payloads


def payload_text(payload: dict[str, Any]) -> str:
    """Every visible string of a payload (tests and logs)."""
    parts: list[str] = [payload.get("content") or ""]
    for embed in payload.get("embeds", []):
        parts.extend(
            [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
        )
        for item in embed.get("fields", []):
            parts.extend([item["name"], item["value"]])
    for row in payload.get("components", []):
        parts.extend(button.get("label", "") for button in row["components"])
    return "\n".join(parts)
