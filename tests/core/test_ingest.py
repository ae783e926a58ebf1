"""Ingestion: bad files are rejected with a reason and store nothing; re-ingesting adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from knowledge.dates import PartialDate
from knowledge.db import Database
from knowledge.extract.base import ArticleDoc, ClaimDraft, DevelopmentDraft, Extraction
from knowledge.gazetteer import Gazetteer, load_seed_entities
from knowledge.ingest import Ingestor, parse_published
from knowledge.schema import Article, Audit, Claim, Development, Evidence
from knowledge.store import sync_entities
from knowledge.values import Text

ARTICLE = """---
title: Nio opens a battery lab
url: https://news.example/nio-lab
publisher: Example Wire
published: 2025-11-03
# a comment line is fine in front matter
---
Nio opened a battery research lab in Hefei on Monday. The company said the lab employs 300 people.
"""


class SentenceExtractor:
    """Claims that Nio runs an R&D site in Hefei when the text says so; a development per sentence."""

    name = "fake"
    version = "1"

    def __init__(self, quote_shift: int = 0) -> None:
        self.quote_shift = quote_shift

    def extract(self, doc: ArticleDoc, gazetteer: Gazetteer) -> Extraction:
        out = Extraction()
        start = doc.body.find("Nio opened")
        if start >= 0:
            end = doc.body.index(".", start) + 1
            out.claims.append(
                ClaimDraft(
                    "nio",
                    "rd_site",
                    Text("Hefei"),
                    doc.body[start:end],
                    start + self.quote_shift,
                    end + self.quote_shift,
                    {"site": "hefei"},
                )
            )
            out.developments.append(DevelopmentDraft("nio", "rd", doc.body[start:end], start, end))
        return out


def counts(db: Database) -> tuple[int, ...]:
    with db.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Article, Claim, Evidence, Development)
        )


@pytest.fixture
def ingestor(db: Database) -> Ingestor:
    with db.transaction() as session:
        sync_entities(session, load_seed_entities())
    return Ingestor(db, SentenceExtractor())


def test_an_article_lands_with_its_claims_evidence_and_developments(
    ingestor: Ingestor, tmp_path: Path
) -> None:
    path = tmp_path / "nio.md"
    path.write_text(ARTICLE, encoding="utf-8")
    result = ingestor.ingest_file(path)
    assert result.outcome == "new", result.reason
    assert result.claims_added == 1
    assert counts(ingestor.db) == (1, 1, 1, 1)
    with ingestor.db.session() as session:
        article = session.scalars(select(Article)).one()
        evidence = session.scalars(select(Evidence)).one()
    assert article.published == "2025-11-03" and article.publisher == "Example Wire"
    assert article.body is not None
    assert article.body[evidence.char_start : evidence.char_end] == evidence.quote


def test_ingesting_the_same_article_twice_adds_nothing(ingestor: Ingestor, tmp_path: Path) -> None:
    path = tmp_path / "nio.md"
    path.write_text(ARTICLE, encoding="utf-8")
    assert ingestor.ingest_file(path).outcome == "new"
    before = counts(ingestor.db)
    again = ingestor.ingest_file(path)
    assert again.outcome == "unchanged"
    copy = tmp_path / "copy.md"  # same body under another name, no url: still the same article
    copy.write_text(ARTICLE.replace("url: https://news.example/nio-lab\n", ""), encoding="utf-8")
    assert ingestor.ingest_file(copy).outcome == "unchanged"
    assert counts(ingestor.db) == before


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"---\ntitle: x\n---\n\n", "empty article"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (b"---\ntitle: [unclosed\n---\nNio opened a lab.", "not valid YAML"),
        (b"---\ntitle: no closing\nNio opened a lab.", "no closing"),
        (b"---\n- a\n- b\n---\nNio opened a lab.", "mapping"),
        (b"---\npublished: sometime soon\n---\nNio opened a lab.", "published date"),
        (b"---\nurl: javascript:alert(1)\n---\nNio opened a lab.", "http(s)"),
    ],
)
def test_bad_files_are_rejected_with_a_reason_and_store_nothing(
    ingestor: Ingestor, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    before = counts(ingestor.db)
    result = ingestor.ingest_file(path)
    assert result.outcome == "rejected"
    assert reason in (result.reason or "")
    assert counts(ingestor.db) == before


def test_an_oversized_file_is_rejected(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_text("Nio opened a lab. " * 100, encoding="utf-8")
    result = Ingestor(db, SentenceExtractor(), max_bytes=100).ingest_file(path)
    assert result.outcome == "rejected" and "too large" in (result.reason or "")


def test_an_extraction_whose_quote_does_not_match_rolls_back_the_whole_article(
    db: Database, tmp_path: Path
) -> None:
    with db.transaction() as session:
        sync_entities(session, load_seed_entities())
    path = tmp_path / "nio.md"
    path.write_text(ARTICLE, encoding="utf-8")
    result = Ingestor(db, SentenceExtractor(quote_shift=3)).ingest_file(path)
    assert result.outcome == "rejected"
    assert counts(db) == (0, 0, 0, 0)
    with db.session() as session:
        assert session.scalar(select(func.count(Audit.id))) == 0


def test_a_directory_is_walked_and_each_file_reported(ingestor: Ingestor, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.md").write_bytes(b"")
    (folder / "notes.db").write_bytes(b"\x00")  # not an article type: skipped when walking
    results = list(ingestor.ingest_paths([folder]))
    assert sorted(r.outcome for r in results) == ["new", "rejected"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-11-03", PartialDate(2025, 11, 3)),
        ("2025-11", PartialDate(2025, 11)),
        ("Nov 3, 2025", PartialDate(2025, 11, 3)),
        ("November 2025", PartialDate(2025, 11)),
        (None, None),
        ("", None),
    ],
)
def test_published_dates_keep_their_precision(value: str | None, expected: PartialDate | None) -> None:
    assert parse_published(value) == expected
