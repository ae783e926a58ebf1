"""Scheduled feed polling and ``evbot ingest`` with URLs and --feed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import web
from click.testing import CliRunner

from adapters.cli import cli
from bot.feeds import feed_urls, poll_minutes, poll_once
from knowledge.db import Database
from tests.search.helpers import FakeExtractor, counts, page, serve
from tests.support import make_core, make_settings


def _feed(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>EV Wire</title><id>urn:evwire</id>
<updated>2024-11-01T10:00:00Z</updated>
<entry><title>BYD sets monthly record</title><link href="{base}/byd"/><id>urn:1</id>
<updated>2024-11-01T10:00:00Z</updated></entry>
<entry><title>Xpeng XNGP everywhere</title><link href="{base}/xpeng"/><id>urn:2</id>
<updated>2024-10-24T02:00:00Z</updated></entry>
</feed>"""


def _routes(holder: dict[str, str]) -> dict[str, object]:
    async def feed(request: web.Request) -> web.StreamResponse:
        return web.Response(text=holder["xml"], content_type="application/atom+xml")

    return {
        "/atom.xml": feed,
        "/byd": page("byd-october-evwire.html"),
        "/xpeng": page("xpeng-smart-driving.html"),
    }


def test_feed_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path, feeds=" https://a.example/rss , ,https://b.example/atom")
    assert feed_urls(settings) == ["https://a.example/rss", "https://b.example/atom"]
    assert poll_minutes(settings) == 30
    monkeypatch.setenv("EVBOT_FEED_POLL_MINUTES", "5")
    assert poll_minutes(make_settings(tmp_path)) == 5
    assert poll_minutes(make_settings(tmp_path, feed_poll_minutes=0.1)) == 1.0


async def test_poll_once_ingests_atom_feeds_and_skips_broken_ones(db: Database, tmp_path: Path) -> None:
    make_core(db, make_settings(tmp_path))
    holder: dict[str, str] = {}
    async with serve(_routes(holder)) as base:  # type: ignore[arg-type]
        holder["xml"] = _feed(base)
        feeds = [f"{base}/nowhere.xml", f"{base}/atom.xml"]
        results = await asyncio.to_thread(poll_once, db, feeds, FakeExtractor(), 1_000_000)
        assert [r.outcome for r in results] == ["rejected", "new", "new"]
        before = counts(db)
        again = await asyncio.to_thread(poll_once, db, feeds, FakeExtractor(), 1_000_000)
        assert [r.outcome for r in again] == ["rejected", "unchanged", "unchanged"]
        assert counts(db) == before


async def test_cli_ingests_urls_feeds_and_html_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("EVBOT_DATABASE_URL", raising=False)
    monkeypatch.setenv("EVBOT_SEED", "false")
    monkeypatch.chdir(tmp_path)
    import knowledge.extract.select as select_module

    monkeypatch.setattr(select_module, "default_extractor", lambda settings=None: FakeExtractor())
    monkeypatch.setattr(
        "adapters.cli.knowledge_cmds.default_extractor", lambda settings=None: FakeExtractor()
    )
    html = tmp_path / "plant.html"
    html.write_bytes((Path(__file__).parents[1] / "fixtures" / "web" / "byd-hungary-plant.html").read_bytes())
    holder: dict[str, str] = {}
    runner = CliRunner()
    async with serve(_routes(holder)) as base:  # type: ignore[arg-type]
        holder["xml"] = _feed(base)
        result = await asyncio.to_thread(
            runner.invoke, cli, ["ingest", str(html), f"{base}/byd", "--feed", f"{base}/atom.xml"]
        )
        missing = await asyncio.to_thread(runner.invoke, cli, ["ingest", f"{base}/missing"])
    assert result.exit_code == 0, result.output
    assert "3 new, 1 unchanged, 0 rejected" in result.output  # the feed's BYD link was already ingested
    assert missing.exit_code == 1 and "HTTP 404" in missing.output
