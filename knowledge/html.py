"""HTML pages into articles: main text and metadata with trafilatura, all offline from the bytes.

Navigation, footers and boilerplate are dropped by trafilatura; the title, publisher (site name)
and date come from the page's metadata when it has them. ``<link rel=canonical>`` wins over the
address the page was fetched from, so one story reached by two links is stored once.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from knowledge.ingest import DEFAULT_MAX_BYTES, RawArticle, Rejected, parse_published

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MIN_TEXT_CHARS = 40

_CANONICAL = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


_TRACKING = {"fbclid", "gclid", "mc_cid", "mc_eid", "igshid", "spm"}


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, no fragment, no ``utm_*``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is not None and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Decode with the declared charset (HTTP header, then ``<meta charset>``), else UTF-8 with replacement."""
    candidates = [charset] if charset else []
    match = _CHARSET.search(data[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def canonical_link(html: str) -> str | None:
    """The page's ``<link rel="canonical" href=...>``, when it is an absolute http(s) link."""
    head = html[: html.lower().find("</head>")] if "</head>" in html.lower() else html[:20000]
    for tag in _CANONICAL.findall(head):
        attrs = {k.lower(): html_lib.unescape(v.strip("\"'")) for k, v in _ATTR.findall(tag)}
        if attrs.get("rel", "").lower() == "canonical" and re.match(
            r"^https?://", attrs.get("href", ""), re.I
        ):
            return attrs["href"]
    return None


def _published(value: Any) -> Any:
    try:
        return parse_published(value)
    except Rejected:
        return None  # a page's odd date is not a reason to reject its text


def parse_html_article(
    data: bytes,
    origin: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    url: str | None = None,
    charset: str | None = None,
) -> RawArticle:
    """Main text and metadata of an HTML page; raises ``Rejected`` when there is no article in it."""
    if len(data) > max_bytes:
        raise Rejected(f"too large: {len(data):,} bytes (the limit is {max_bytes:,})")
    if not data.strip():
        raise Rejected("empty page")
    if b"\x00" in data[:65536]:
        raise Rejected("binary content (contains NUL bytes), not a web page")
    html = decode_html(data, charset)
    import trafilatura  # local: heavy import, only needed for HTML

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(text) < MIN_TEXT_CHARS:
        raise Rejected("no article text found in the page")
    body = re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n"))
    canonical = canonical_link(html)
    link = canonical or url
    return RawArticle(
        body=body,
        origin=origin,
        title=(getattr(doc, "title", None) or None),
        url=canonical_url(link) if link else None,
        publisher=(getattr(doc, "sitename", None) or None),
        author=(getattr(doc, "author", None) or None),
        published=_published(getattr(doc, "date", None)),
    )
