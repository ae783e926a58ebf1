"""Console renderers: plain text (shared with every platform's fallback) and the JSON reply model."""

from __future__ import annotations

from bot.reply import Reply
from bot.text import to_text

__all__ = ["to_json", "to_text"]


def to_json(reply: Reply) -> str:
    return reply.model_dump_json(indent=2)
