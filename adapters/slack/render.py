"""``to_block_kit``: a reply as a Slack message (Block Kit blocks plus the notification fallback).

A pure function. Every piece of stored or user text goes through ``escape`` (``&``, ``<``, ``>``
become entities and ``@channel``-style words are broken), so article or user text can never
produce a mention, a channel link or a hyperlink. The only markup this module emits is its own
``<url|label>`` link for a citation, and only for an http(s) URL without ``|``, ``<``, ``>`` or
whitespace. Every Slack limit below is respected by truncating with an "…and N more" note; the
function never raises for a valid ``Reply``.
"""

from __future__ import annotations

import re
from typing import Any

from bot.reply import Citation, FieldRow, Item, Reply, Section, Table
from bot.text import item_text, items_text, to_text

# Slack limits (docs.slack.dev/reference/block-kit/blocks, slack_sdk.models.blocks validators).
MAX_BLOCKS = 50
HEADER_CHARS = 150
SECTION_CHARS = 3000
FIELD_CHARS = 2000
FIELDS_PER_SECTION = 10
CONTEXT_ELEMENTS = 10
CONTEXT_CHARS = 2000  # per context element (the text object limit is 3000; keep a margin)
ACTIONS_PER_BLOCK = 25
BUTTON_TEXT_CHARS = 75
BUTTON_VALUE_CHARS = 2000
TABLE_ROWS = 100  # including the header row
TABLE_CELLS = 20  # per row, including the row-label column
CELL_CHARS = 500  # our own cap: keeps one busy cell from swamping the table
FALLBACK_CHARS = 3000
MAX_CITATION_BLOCKS = 3
ACTION_ID_PREFIX = "evbot_action"

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ESCAPE_RE = re.compile(r"[&<>]")
# Slack turns these words into notifications when a message asks it to parse names; a zero-width
# space after the @ keeps them inert whatever the message flags are.
_BROADCAST_RE = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_SAFE_URL_RE = re.compile(r"https?://[^\s|<>\x00-\x1f\x7f]+", re.IGNORECASE)
_PARTIAL_ENTITY_RE = re.compile(r"&[a-z]{0,3}$")


def escape(text: str) -> str:
    """Make stored or user text inert in any Slack text field (mrkdwn, plain_text, raw_text)."""
    escaped = _ESCAPE_RE.sub(lambda m: _ENTITIES[m.group(0)], text)
    return _BROADCAST_RE.sub("@\u200b", escaped)


def clip(escaped: str, limit: int) -> str:
    """Shorten already-escaped text to ``limit`` characters without cutting an entity in half."""
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(0, limit - 1)]
    cut = _PARTIAL_ENTITY_RE.sub("", cut)
    return cut + "…"


def fit(text: str, limit: int) -> str:
    """Escape then clip; never empty (Slack rejects empty text objects)."""
    return clip(escape(text), limit) or "—"


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) URL that cannot break out of ``<url|label>``, else None."""
    if not url or len(url) > 2000 or not _SAFE_URL_RE.fullmatch(url):
        return None
    return url.replace("&", "&amp;")


def _more(n: int, what: str) -> str:
    return f"…and {n} more {what}" if what else f"…and {n} more"


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(texts: list[str]) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(t) for t in texts[:CONTEXT_ELEMENTS]]}


def _chunks(lines: list[str], limit: int) -> list[str]:
    """Join lines into texts of at most ``limit`` characters (a single long line is clipped)."""
    out: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        if current and len(current) + 1 + len(line) > limit:
            out.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        out.append(current)
    return out


def _item(item: Item) -> str:
    return escape(item_text(item))


def _field_text(field: FieldRow) -> str:
    return clip(f"*{clip(escape(field.label), 200)}*\n{escape(items_text(field.items))}", FIELD_CHARS)


def section_blocks(section: Section) -> list[dict[str, Any]]:
    """One reply section as section blocks: title and text, fields in tens, then the bullets."""
    blocks: list[dict[str, Any]] = []
    lines: list[str] = []
    if section.title:
        lines.append(f"*{clip(escape(section.title), 500)}*")
    if section.text:
        lines.extend(escape(section.text).split("\n"))
    fields = [_field_text(f) for f in section.fields]
    if fields:
        head = _chunks(lines, SECTION_CHARS)
        blocks.extend(_section(t) for t in head[:-1])
        for start in range(0, len(fields), FIELDS_PER_SECTION):
            block: dict[str, Any] = {
                "type": "section",
                "fields": [_mrkdwn(f) for f in fields[start : start + FIELDS_PER_SECTION]],
            }
            if start == 0 and head:
                block["text"] = _mrkdwn(head[-1])
            blocks.append(block)
        lines = []
    lines.extend(f"• {_item(b)}" for b in section.bullets)
    blocks.extend(_section(t) for t in _chunks(lines, SECTION_CHARS))
    return blocks


def _cell(items: list[Item]) -> dict[str, Any]:
    return _raw(items_text(items))


def _raw(text: str) -> dict[str, Any]:
    return {"type": "raw_text", "text": fit(text.strip() or "—", CELL_CHARS)}


def table_block(table: Table) -> dict[str, Any]:
    """The table as one Block Kit ``table`` block: a header row, then one row per property."""
    columns = list(table.columns)
    max_columns = TABLE_CELLS - 1  # the first cell of each row is the row label
    hidden_columns = 0
    if len(columns) > max_columns:
        keep = max_columns - 1  # the last column carries the note
        hidden_columns = len(columns) - keep
        columns = columns[:keep]
    header = [_raw(table.corner), *(_raw(c) for c in columns)]
    if hidden_columns:
        header.append(_raw(_more(hidden_columns, "columns")))
    width = len(header)
    data_rows = table.rows
    hidden_rows = 0
    if len(data_rows) > TABLE_ROWS - 1:
        keep_rows = TABLE_ROWS - 2  # the last row carries the note
        hidden_rows = len(data_rows) - keep_rows
        data_rows = data_rows[:keep_rows]
    rows: list[list[dict[str, Any]]] = [header]
    for row in data_rows:
        cells = [_raw(row.label)]
        for index in range(len(columns)):
            cells.append(_cell(row.cells[index] if index < len(row.cells) else []))
        if hidden_columns:
            cells.append(_raw("…"))
        rows.append(cells)
    if hidden_rows:
        rows.append([_raw(_more(hidden_rows, "rows")), *(_raw("…") for _ in range(width - 1))])
    return {
        "type": "table",
        "column_settings": [{"is_wrapped": True} for _ in range(width)],
        "rows": rows,
    }


def citation_text(citation: Citation) -> str:
    """``[n] publisher, date`` as a link when the source has a safe URL (admin entries show who set them)."""
    label = escape(" ".join(f"[{citation.n}] {citation.label()}".split()))
    url = None if citation.admin else safe_url(citation.url)
    if url is None:
        return clip(label, CONTEXT_CHARS)
    label = clip(label, CONTEXT_CHARS - len(url) - 3)
    return f"<{url}|{label}>"


def citation_blocks(citations: list[Citation], max_blocks: int) -> list[dict[str, Any]]:
    """Sources in context blocks of up to ten elements; what does not fit becomes "…and N more"."""
    if not citations or max_blocks <= 0:
        return []
    texts = ["*Sources*", *(citation_text(c) for c in citations)]
    capacity = max_blocks * CONTEXT_ELEMENTS
    if len(texts) > capacity:
        shown = capacity - 1
        hidden = len(texts) - shown
        texts = [*texts[:shown], _more(hidden, "sources")]
    return [_context(texts[i : i + CONTEXT_ELEMENTS]) for i in range(0, len(texts), CONTEXT_ELEMENTS)]


def actions_block(reply: Reply) -> dict[str, Any] | None:
    """Buttons whose value is the core command to run when pressed."""
    elements: list[dict[str, Any]] = []
    usable = [a for a in reply.actions if a.command and len(a.command) <= BUTTON_VALUE_CHARS]
    for index, action in enumerate(usable[:ACTIONS_PER_BLOCK]):
        button: dict[str, Any] = {
            "type": "button",
            "action_id": f"{ACTION_ID_PREFIX}:{index}",
            "text": _plain(fit(action.label, BUTTON_TEXT_CHARS)),
            "value": action.command,
        }
        if action.style in ("primary", "danger"):
            button["style"] = action.style
        elements.append(button)
    return {"type": "actions", "elements": elements} if elements else None


def _table_lines(table: Table) -> list[str]:
    """The table as one line per row (``to_text`` wraps every cell, which costs more than all the blocks)."""
    lines: list[str] = []
    size = 0
    for row in table.rows:
        cells = "; ".join(
            f"{c}: {items_text(cell)}" for c, cell in zip(table.columns, row.cells, strict=False)
        )
        lines.append(f"{row.label} — {cells}")
        size += len(lines[-1])
        if size > FALLBACK_CHARS:
            break
    return lines


def fallback(reply: Reply) -> str:
    """The notification and accessibility text: the plain rendering, escaped and shortened."""
    if reply.table is None:
        plain = to_text(reply)
    else:
        head, _, rest = to_text(reply.model_copy(update={"table": None})).partition("\n\n")
        plain = "\n".join([head, "", *_table_lines(reply.table), "", rest])
    return clip(escape(plain.strip()), FALLBACK_CHARS) or "—"


def to_block_kit(reply: Reply) -> dict[str, Any]:
    """``{"text": fallback, "blocks": [...]}`` for ``chat.postMessage``, ``ack`` and ``respond``."""
    head: list[dict[str, Any]] = [{"type": "header", "text": _plain(fit(reply.title, HEADER_CHARS))}]
    if reply.subtitle:
        head.append(_context([fit(reply.subtitle, CONTEXT_CHARS)]))
    if reply.table is not None and reply.table.columns:
        head.append(table_block(reply.table))
    body: list[dict[str, Any]] = []
    for section in reply.sections:
        body.extend(section_blocks(section))
    tail: list[dict[str, Any]] = []
    if reply.footer:
        tail.append(_context([fit(reply.footer, CONTEXT_CHARS)]))
    tail.extend(citation_blocks(reply.citations, MAX_CITATION_BLOCKS))
    actions = actions_block(reply)
    if actions is not None:
        tail.append(actions)
    room = MAX_BLOCKS - len(head) - len(tail)
    if len(body) > room:
        shown = room - 1
        hidden = len(body) - shown
        body = [*body[:shown], _context([_more(hidden, "blocks")])]
    return {"text": fallback(reply), "blocks": [*head, *body, *tail]}
