"""HTML files, article URLs and RSS feeds into the store; bounded, explained failures; story groups."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from aiohttp import web
from sqlalchemy import select

from knowledge.db import Database
from knowledge.fetch import ingest_feed, ingest_url
from knowledge.html import canonical_link, canonical_url
from knowledge.ingest import Ingestor
from knowledge.schema import Article
from tests.search.helpers import WEB, FakeExtractor, counts, page, serve
from tests.support import make_core, make_settings


def _prepared(db: Database, tmp_path: Path) -> Database:
    make_core(db, make_settings(tmp_path))  # tracked entities, no starter facts
    return db


def _articles(db: Database) -> list[Article]:
    with db.session() as session:
        return list(session.scalars(select(Article).order_by(Article.id)))


def test_canonical_url_strips_tracking_and_fragment() -> None:
    assert canonical_url("HTTPS://News.Example.COM:443/a/b?utm_source=x&id=7&utm_medium=rss#top") == (
        "https://news.example.com/a/b?id=7"
    )
    assert canonical_url("http://example.com") == "http://example.com/"
    assert canonical_url("http://example.com:8080/x?fbclid=abc") == "http://example.com:8080/x"
    html = '<html><head><link href="https://a.example/story" rel="canonical"></head><body></body></html>'
    assert canonical_link(html) == "https://a.example/story"


def test_html_file_keeps_the_article_and_its_metadata(db: Database, tmp_path: Path) -> None:
    _prepared(db, tmp_path)
    result = Ingestor(db, FakeExtractor()).ingest_file(WEB / "byd-october-evwire.html")
    assert result.outcome == "new", result.reason
    assert result.claims_added == 1
    (article,) = _articles(db)
    assert article.publisher == "EV Wire"
    assert article.published == "2024-11-01"
    assert article.url == "https://evwire.example/news/byd-october-2024-deliveries"
    assert article.title and "502,657" in article.title
    assert article.body and "BYD delivered 502,657 new energy vehicles" in article.body
    assert "Subscribe to our newsletter" not in article.body and "All rights reserved" not in article.body
    again = Ingestor(db, FakeExtractor()).ingest_file(WEB / "byd-october-evwire.html")
    assert again.outcome == "unchanged"


async def test_article_url_is_fetched_and_deduplicated_by_canonical_url(db: Database, tmp_path: Path) -> None:
    _prepared(db, tmp_path)
    routes = {
        "/one": page("byd-october-evwire.html"),
        "/two": page("byd-october-evwire.html"),
        "/plant": page("byd-hungary-plant.html"),
    }
    async with serve(routes) as base:
        first = await asyncio.to_thread(ingest_url, db, f"{base}/one?utm_source=newsletter", FakeExtractor())
        assert first.outcome == "new", first.reason
        # another address of the same page: its <link rel=canonical> names the stored article
        second = await asyncio.to_thread(ingest_url, db, f"{base}/two", FakeExtractor())
        assert second.outcome == "unchanged" and second.article_id == first.article_id
        plant = await asyncio.to_thread(ingest_url, db, f"{base}/plant#comments", FakeExtractor())
        assert plant.outcome == "new"
        # a page without a canonical link is stored under its cleaned address and not fetched again
        again = await asyncio.to_thread(
            ingest_url, db, f"{base.upper()}/plant?utm_campaign=x", FakeExtractor()
        )
        assert again.outcome == "unchanged" and again.article_id == plant.article_id
    urls = [a.url for a in _articles(db)]
    assert urls == ["https://evwire.example/news/byd-october-2024-deliveries", f"{base}/plant"]


async def test_rss_feed_entries_are_fetched_with_feed_dates_and_summary_fallback(
    db: Database, tmp_path: Path
) -> None:
    _prepared(db, tmp_path)
    feed_holder: dict[str, str] = {}

    async def feed(request: web.Request) -> web.StreamResponse:
        return web.Response(text=feed_holder["xml"], content_type="application/rss+xml")

    async def gone(request: web.Request) -> web.StreamResponse:
        raise web.HTTPNotFound()

    routes = {
        "/feed.xml": feed,
        "/byd-record": page("byd-october-autodaily.html"),
        "/xpeng-xngp": page("xpeng-smart-driving.html"),
        "/removed": gone,
    }
    async with serve(routes) as base:
        feed_holder["xml"] = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Auto Daily</title><link>{base}/</link><description>EV news</description>
<item><title>BYD's October sales hit all-time high</title><link>{base}/byd-record?utm_source=rss</link>
  <pubDate>Fri, 01 Nov 2024 14:05:00 GMT</pubDate></item>
<item><title>Xpeng brings XNGP to every major city</title><link>{base}/xpeng-xngp</link>
  <pubDate>Thu, 24 Oct 2024 02:00:00 GMT</pubDate></item>
<item><title>Nio opens battery swap station number 2,500</title><link>{base}/removed</link>
  <pubDate>Wed, 30 Oct 2024 08:00:00 GMT</pubDate>
  <description>&lt;p&gt;Nio opened its 2,500th battery swap station in Hefei on Wednesday, the company said.&lt;/p&gt;</description></item>
</channel></rss>"""
        results = await asyncio.to_thread(ingest_feed, db, f"{base}/feed.xml", FakeExtractor())
        assert [r.outcome for r in results] == ["new", "new", "new"], [r.reason for r in results]
        articles = {a.url: a for a in _articles(db)}
        record = articles[f"{base}/byd-record"]
        assert record.published == "2024-11-01" and record.publisher == "Auto Daily"
        assert record.body and "502,657" in record.body
        assert articles[f"{base}/xpeng-xngp"].published == "2024-10-24"
        fallback = articles[f"{base}/removed"]
        assert (
            fallback.body
            == "Nio opened its 2,500th battery swap station in Hefei on Wednesday, the company said."
        )
        assert fallback.title == "Nio opens battery swap station number 2,500"
        # polling again stores nothing new and fetches no article twice
        before = counts(db)
        again = await asyncio.to_thread(ingest_feed, db, f"{base}/feed.xml", FakeExtractor())
        assert [r.outcome for r in again] == ["unchanged"] * 3
        assert counts(db) == before


async def test_large_binary_and_oversized_pages_are_rejected_and_nothing_is_stored(
    db: Database, tmp_path: Path
) -> None:
    _prepared(db, tmp_path)
    blob = bytes(range(256)) * (10 * 1024 * 1024 // 256)

    async def binary(request: web.Request) -> web.StreamResponse:
        return web.Response(body=blob, content_type="application/octet-stream")

    async def huge_html(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})  # streamed, no length given
        await response.prepare(request)
        for _ in range(0, len(blob), 1 << 20):
            await response.write(b"<p>" + b"x" * ((1 << 20) - 3))
        return response

    before = counts(db)
    async with serve({"/firmware.bin": binary, "/endless.html": huge_html}) as base:
        wrong = await asyncio.to_thread(ingest_url, db, f"{base}/firmware.bin", FakeExtractor())
        big = await asyncio.to_thread(
            ingest_url, db, f"{base}/endless.html", FakeExtractor(), 2 * 1024 * 1024
        )
    assert wrong.outcome == "rejected" and "wrong content type application/octet-stream" in (
        wrong.reason or ""
    )
    assert big.outcome == "rejected" and "too large" in (big.reason or "")
    assert counts(db) == before


async def test_timeouts_http_errors_and_refused_connections_are_explained(
    sqlite_db: Database, tmp_path: Path
) -> None:
    db = _prepared(sqlite_db, tmp_path)

    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(3)
        return web.Response(text="late", content_type="text/html")

    async def missing(request: web.Request) -> web.StreamResponse:
        raise web.HTTPNotFound()

    before = counts(db)
    async with serve({"/slow": slow, "/missing": missing}) as base:
        timed_out = await asyncio.to_thread(ingest_url, db, f"{base}/slow", FakeExtractor(), 1_000_000, 0.5)
        not_found = await asyncio.to_thread(ingest_url, db, f"{base}/missing", FakeExtractor())
        feed_404 = await asyncio.to_thread(ingest_feed, db, f"{base}/missing", FakeExtractor())
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    refused = await asyncio.to_thread(ingest_url, db, f"http://127.0.0.1:{closed_port}/x", FakeExtractor())
    not_web = await asyncio.to_thread(ingest_url, db, "ftp://example.com/file", FakeExtractor())
    assert timed_out.outcome == "rejected" and "timed out" in (timed_out.reason or "")
    assert not_found.outcome == "rejected" and "HTTP 404" in (not_found.reason or "")
    assert feed_404[0].outcome == "rejected" and "HTTP 404" in (feed_404[0].reason or "")
    assert refused.outcome == "rejected" and "connection refused" in (refused.reason or "")
    assert not_web.outcome == "rejected" and "not an http(s) link" in (not_web.reason or "")
    assert counts(db) == before


def test_two_outlets_reporting_one_story_share_a_story_id(db: Database, tmp_path: Path) -> None:
    _prepared(db, tmp_path)
    ingestor = Ingestor(db, FakeExtractor())
    ids = [
        ingestor.ingest_file(WEB / name).article_id
        for name in (
            "byd-october-evwire.html",
            "xpeng-smart-driving.html",
            "byd-october-autodaily.html",
            "byd-hungary-plant.html",
        )
    ]
    stories = {a.id: a.story_id for a in _articles(db)}
    evwire, xpeng, autodaily, plant = (stories[i] for i in ids)
    assert evwire == ids[0]  # the first article of a story names it
    assert autodaily == evwire  # the other outlet's version joins it
    assert xpeng == ids[1] and plant == ids[3]  # different stories, even about the same company
