"""The walking skeleton's must-show, end to end through the CLI on the real article (skipped without it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.cli import cli
from tests.support import corpus_dir

CORPUS = corpus_dir()
pytestmark = pytest.mark.skipif(CORPUS is None, reason="../shared/corpus is not present")
LINK = "https://kr-asia.com/li-auto-builds-silicon-valley-lab-to-chase-xpeng-and-others-in-smart-driving"


@pytest.fixture
def evbot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EVBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("EVBOT_DATABASE_URL", raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)


def test_ingest_then_compare_shows_the_articles_facts_cited_to_its_link(evbot) -> None:  # type: ignore[no-untyped-def]
    first = evbot("ingest", str(CORPUS))
    assert first.exit_code == 0, first.output
    assert "1 new, 0 unchanged, 0 rejected" in first.output
    second = evbot("ingest", str(CORPUS))
    assert "0 new, 1 unchanged, 0 rejected; 0 claims added" in second.output

    compare = evbot("ask", "--render", "json", "/ev compare xpeng li-auto")
    import json

    reply = json.loads(compare.output)
    assert [c["url"] for c in reply["citations"]] == [LINK]
    cells = {row["label"]: row["cells"] for row in reply["table"]["rows"]}
    xpeng = {label: " ".join(i["text"] for i in cell[0]) for label, cell in cells.items()}
    li = {label: " ".join(i["text"] for i in cell[1]) for label, cell in cells.items()}
    assert "He Xiaopeng" in xpeng["CEO"] and "Li Xiang" in li["CEO"]
    assert "72 billion parameters" in xpeng["AI models"]
    assert "about 7–8 billion parameters" in xpeng["AI models"]
    assert "about 4 billion parameters" in li["AI models"]
    assert "Munich" in li["R&D sites"] and "Jan 2024" in li["R&D sites"]
    for site in ("Silicon Valley", "Beijing", "Shanghai"):
        assert site in li["R&D sites"]
    assert "San Diego" in xpeng["R&D sites"] and "2018" in xpeng["R&D sites"]
    assert "about 100 people" in xpeng["R&D sites"]
    assert "Egypt" in li["Overseas markets"] and "Kazakhstan" in li["Overseas markets"]
    assert "Liu Xianming" in xpeng["Key people"]
    assert "about 20 people" in xpeng["Robotics team"]
    assert "Iron" in xpeng["Humanoid robots"]

    brief = evbot("ask", "/ev brief nio")
    assert "2014" in brief.output and LINK in brief.output
    huawei = evbot("ask", "/ev brief huawei")
    assert "ADS 4.0" in huawei.output and "L3" in huawei.output
    assert "Maextro S800" in huawei.output and "Aito M8" in huawei.output


def test_quotes_in_the_export_are_exact_slices_of_the_article(evbot) -> None:  # type: ignore[no-untyped-def]
    import json

    evbot("ingest", str(CORPUS))
    body = next(CORPUS.glob("*.md")).read_text(encoding="utf-8")
    rows = [json.loads(line) for line in evbot("export").output.splitlines()]
    quotes = [s["quote"] for row in rows for s in row["sources"] if s.get("quote")]
    assert len(quotes) >= 20
    for quote in quotes:
        assert quote in body
