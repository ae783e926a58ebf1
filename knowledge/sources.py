"""Source types by file suffix: Markdown and plain text, and HTML pages (main text via trafilatura)."""

from __future__ import annotations

from pathlib import Path

from knowledge.html import HTML_SUFFIXES, canonical_url, parse_html_article
from knowledge.ingest import TEXT_SUFFIXES, RawArticle, Rejected, parse_text_article


def parse_by_suffix(path: Path, data: bytes, max_bytes: int) -> RawArticle:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix == "":
        raw = parse_text_article(data, str(path), max_bytes)
    elif suffix in HTML_SUFFIXES:
        raw = parse_html_article(data, str(path), max_bytes)
    else:
        raise Rejected(f"unsupported file type {suffix!r} (expected .md, .txt or .html)")
    if raw.url:
        raw.url = canonical_url(raw.url)
    return raw
