"""Articles and feeds from the web: bounded fetching, then the usual one-transaction ingestion.

``fetch`` streams a response and stops at the size cap, checks the content type before reading
the body, and turns every network failure into a ``Rejected`` with a reason a person can act on
(timeout, DNS failure, connection refused, HTTP status, too large, wrong type). Nothing is stored
for a rejected URL.
"""

from __future__ import annotations

import calendar
import logging
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from knowledge.dates import PartialDate
from knowledge.db import Database
from knowledge.extract.base import Extractor
from knowledge.html import canonical_url, parse_html_article
from knowledge.ingest import (
    DEFAULT_MAX_BYTES,
    Ingestor,
    IngestResult,
    RawArticle,
    Rejected,
    parse_text_article,
)
from knowledge.schema import Article

log = logging.getLogger("evbot.fetch")

DEFAULT_TIMEOUT = 15.0
USER_AGENT = "evbot/0.1 (+https://github.com/evbot; EV industry briefings)"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
ARTICLE_TYPES = HTML_TYPES | TEXT_TYPES
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml"}
)
CHUNK = 64 * 1024


class FetchError(Rejected):
    """A URL that could not be fetched; the message says why."""


@dataclass(frozen=True)
class Fetched:
    url: str  # as requested
    final_url: str  # after redirects
    content_type: str
    charset: str | None
    data: bytes


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) link: {url!r}")
    return url.strip()


def _network_reason(exc: BaseException, host: str, timeout: float) -> str:
    reason: Any = getattr(exc, "reason", exc)
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"timed out after {timeout:g} s waiting for {host}"
    if isinstance(reason, socket.gaierror):
        return f"cannot resolve host {host} (DNS lookup failed)"
    if isinstance(reason, ConnectionRefusedError):
        return f"connection refused by {host}"
    if isinstance(reason, ConnectionResetError):
        return f"connection reset by {host}"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error talking to {host}: {reason.reason or reason}"
    if isinstance(reason, OSError) and reason.strerror:
        return f"cannot connect to {host}: {reason.strerror}"
    return f"cannot fetch from {host}: {reason}"


def fetch(
    url: str, accept: frozenset[str], max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_TIMEOUT
) -> Fetched:
    """GET ``url``; the body must be one of the ``accept`` content types and at most ``max_bytes``."""
    url = check_url(url)
    host = urlsplit(url).hostname or url
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": ", ".join(sorted(accept)) + ";q=1.0, */*;q=0.1"}
    )
    deadline = time.monotonic() + timeout * 2  # per-operation timeout on the socket, an overall bound here
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise FetchError(f"HTTP {exc.code} {exc.reason} from {host}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(_network_reason(exc, host, timeout)) from None
    with response:
        headers: Message = response.headers
        content_type = (headers.get_content_type() or "").lower() if headers.get("Content-Type") else ""
        if not content_type:
            raise FetchError(f"{host} sent no content type; expected one of {', '.join(sorted(accept))}")
        if content_type not in accept:
            raise FetchError(f"wrong content type {content_type} (expected {', '.join(sorted(accept))})")
        length = headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise FetchError(f"too large: {int(length):,} bytes (the limit is {max_bytes:,})")
        chunks: list[bytes] = []
        total = 0
        try:
            while True:
                chunk = response.read(CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    raise FetchError(f"too large: more than {max_bytes:,} bytes (stopped reading)")
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {timeout * 2:g} s reading from {host}")
                chunks.append(chunk)
        except TimeoutError:
            raise FetchError(f"timed out after {timeout:g} s reading from {host}") from None
        except (OSError, urllib.error.URLError) as exc:
            raise FetchError(_network_reason(exc, host, timeout)) from None
        charset = headers.get_content_charset()
        return Fetched(url, response.geturl() or url, content_type, charset, b"".join(chunks))


def article_from_response(fetched: Fetched, max_bytes: int = DEFAULT_MAX_BYTES) -> RawArticle:
    """An HTML page or a text/Markdown document into an article."""
    if fetched.content_type in HTML_TYPES:
        return parse_html_article(
            fetched.data, fetched.url, max_bytes, url=fetched.final_url, charset=fetched.charset
        )
    data = fetched.data
    if fetched.charset and fetched.charset.lower().replace("-", "") not in ("utf8", "usascii"):
        try:
            data = data.decode(fetched.charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError) as exc:
            raise Rejected(f"cannot decode the text as {fetched.charset}") from exc
    raw = parse_text_article(data, fetched.url, max_bytes)
    raw.url = canonical_url(raw.url or fetched.final_url)
    return raw


def stored_with_text(db: Database, url: str) -> int | None:
    """The id of an article already stored (with its text) under this canonical URL."""
    with db.session() as session:
        row = session.execute(select(Article.id, Article.body).where(Article.url == url)).first()
    return row[0] if row is not None and row[1] is not None else None


def ingest_url(
    db: Database,
    url: str,
    extractor: Extractor,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
) -> IngestResult:
    """Fetch one article page and ingest it; a known canonical URL is not fetched again."""
    try:
        canonical = canonical_url(check_url(url))
        existing = stored_with_text(db, canonical)
        if existing is not None:
            return IngestResult(url, "unchanged", "already ingested", existing)
        raw = article_from_response(fetch(url, ARTICLE_TYPES, max_bytes, timeout), max_bytes)
    except Rejected as exc:
        return IngestResult(url, "rejected", str(exc))
    raw.origin = url
    return Ingestor(db, extractor, max_bytes).ingest(raw)


def _entry_date(entry: Any) -> PartialDate | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                stamp = time.gmtime(calendar.timegm(value))
                return PartialDate(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def html_to_text(fragment: str) -> str:
    """Plain text of a feed entry's HTML content or summary, paragraphs kept apart."""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on broken markup
        return ""
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = [el.text_content().strip() for el in root.iter("p", "li", "h1", "h2", "h3", "blockquote")]
    text = "\n\n".join(b for b in blocks if b) or root.text_content().strip()
    return text


def _entry_text(entry: Any) -> str:
    for content in entry.get("content") or []:
        text = html_to_text(str(content.get("value") or ""))
        if text:
            return text
    return html_to_text(str(entry.get("summary") or ""))


def ingest_feed(
    db: Database,
    url: str,
    extractor: Extractor,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[IngestResult]:
    """Fetch an RSS/Atom feed and ingest each entry's linked article.

    The entry's own date wins over the page's. When the link cannot be fetched or read, the entry's
    content (or summary) is stored instead, under the entry's link, so the entry still counts.
    """
    import feedparser

    try:
        fetched = fetch(url, FEED_TYPES, max_bytes, timeout)
    except Rejected as exc:
        return [IngestResult(url, "rejected", str(exc))]
    parsed = feedparser.parse(fetched.data)
    if not parsed.entries:
        problem = f": {parsed.get('bozo_exception')}" if parsed.get("bozo") else ""
        return [IngestResult(url, "rejected", f"not a readable RSS/Atom feed, or it has no entries{problem}")]
    feed_title = str(parsed.feed.get("title") or "").strip() or None
    ingestor = Ingestor(db, extractor, max_bytes)
    results: list[IngestResult] = []
    for index, entry in enumerate(parsed.entries):
        link = str(entry.get("link") or "").strip() or None
        origin = link or f"{url}#entry-{index + 1}"
        published = _entry_date(entry)
        title = str(entry.get("title") or "").strip() or None
        raw: RawArticle | None = None
        link_problem = "the entry has no link"
        if link is not None:
            try:
                canonical = canonical_url(check_url(link))
                existing = stored_with_text(db, canonical)
                if existing is not None:
                    results.append(IngestResult(origin, "unchanged", "already ingested", existing))
                    continue
                raw = article_from_response(fetch(link, ARTICLE_TYPES, max_bytes, timeout), max_bytes)
            except Rejected as exc:
                link_problem = str(exc)
                log.info("feed entry %s: link failed (%s); using the entry's own text", origin, exc)
        if raw is None:
            text = _entry_text(entry)
            if not text:
                results.append(
                    IngestResult(origin, "rejected", f"{link_problem}, and the entry has no text of its own")
                )
                continue
            raw = RawArticle(body=text, origin=origin, url=canonical_url(link) if link else None)
        raw.origin = origin
        raw.title = title or raw.title
        raw.publisher = raw.publisher or feed_title
        raw.author = raw.author or (str(entry.get("author") or "").strip() or None)
        raw.published = published or raw.published
        results.append(ingestor.ingest(raw))
    return results
