"""Source types by file suffix. Markdown and plain text now; HTML and feeds plug in here."""

from __future__ import annotations

from pathlib import Path

from knowledge.ingest import TEXT_SUFFIXES, RawArticle, Rejected, parse_text_article


def parse_by_suffix(path: Path, data: bytes, max_bytes: int) -> RawArticle:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix == "":
        return parse_text_article(data, str(path), max_bytes)
    raise Rejected(f"unsupported file type {suffix!r} (expected .md or .txt)")
