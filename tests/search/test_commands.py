"""/ev search, /ev ask and /ev topic over ingested articles, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.context import CommandRequest
from bot.core import Core
from bot.reply import Reply
from knowledge.db import Database
from knowledge.ingest import Ingestor
from tests.search.helpers import WEB, FakeExtractor
from tests.support import make_core, make_settings

FIXTURES = (
    "byd-october-evwire.html",
    "byd-october-autodaily.html",
    "byd-hungary-plant.html",
    "xpeng-smart-driving.html",
)


@pytest.fixture
def core(db: Database, tmp_path: Path) -> Core:
    core = make_core(db, make_settings(tmp_path))
    ingestor = Ingestor(db, FakeExtractor())
    for name in FIXTURES:
        assert ingestor.ingest_file(WEB / name).outcome == "new"
    return core


def run(core: Core, text: str) -> Reply:
    return core.handle(CommandRequest(text=text))


def bullets(reply: Reply) -> list[str]:
    return [item.text for section in reply.sections for item in section.bullets]


def test_search_finds_cited_sentences_and_collapses_one_story(core: Core) -> None:
    reply = run(core, "/ev search BYD overseas sales")
    assert reply.kind == "answer", reply.fallback_text()
    items = [item for section in reply.sections for item in section.bullets]
    assert items and all(item.citations for item in items)
    assert any("31,192" in item.text for item in items)
    # both outlets said it: one line, both cited
    overseas = [item for item in items if "31,192" in item.text]
    assert len(overseas) == 1 and len(overseas[0].citations) == 2
    publishers = {c.publisher for c in reply.citations}
    assert {"EV Wire", "Auto Daily"} <= publishers
    assert all(c.title for c in reply.citations)


def test_search_stems_words_and_says_when_nothing_matches(core: Core) -> None:
    reply = run(core, "/ev search delivering")
    assert any("502,657" in text for text in bullets(reply))
    nothing = run(core, "/ev search hydrogen airship")
    assert "Not known" in nothing.fallback_text() and not nothing.citations


def test_ask_answers_a_delivery_question_with_value_period_and_citation(core: Core) -> None:
    reply = run(core, "/ev ask how many cars did BYD deliver in October 2024?")
    text = reply.fallback_text()
    assert reply.kind == "answer", text
    (item,) = bullets(reply)
    assert "502,657 vehicles" in item and "Oct 2024" in item
    assert reply.citations and {c.publisher for c in reply.citations} == {"EV Wire", "Auto Daily"}
    assert reply.sections[0].bullets[0].citations


def test_ask_says_not_known_instead_of_guessing(core: Core) -> None:
    reply = run(core, "/ev ask how many cars did BYD deliver in March 2023?")
    text = reply.fallback_text()
    assert "Not known: no source in the store says how many vehicles BYD delivered in Mar 2023" in text
    assert "502,657" not in text and not reply.citations
    unrelated = run(core, "/ev ask what is the price of lithium carbonate on the moon")
    assert "not known" in unrelated.fallback_text().lower() and not unrelated.citations


def test_ask_falls_back_to_cited_sentences(core: Core) -> None:
    reply = run(core, "/ev ask where is BYD building a plant in Europe?")
    assert any("Szeged" in text for text in bullets(reply)), reply.fallback_text()
    assert reply.citations


def test_topic_smart_driving_has_rows_by_company_and_recent_developments(core: Core) -> None:
    reply = run(core, "/ev topic smart_driving")
    assert reply.kind == "answer", reply.fallback_text()
    assert reply.table is not None
    assert [row.label for row in reply.table.rows] == ["Xpeng"]
    cell = reply.table.rows[0].cells[0]
    assert cell[0].text.startswith("XNGP") and cell[0].citations
    assert any("XNGP" in text for text in bullets(reply))
    assert run(core, "/ev topic adas").title == reply.title
    unknown = run(core, "/ev topic weather")
    assert unknown.kind == "usage" and "smart_driving" in unknown.fallback_text()
