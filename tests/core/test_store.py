"""The store: claims merge by slot and value, evidence must match its article, conflicts stay visible."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from knowledge.dates import PartialDate
from knowledge.db import Database
from knowledge.facts import current_facts
from knowledge.gazetteer import load_seed_entities
from knowledge.schema import Article, Claim, Evidence
from knowledge.store import ClaimInput, EvidenceMismatch, add_evidence, sync_entities, upsert_claim
from knowledge.values import Quantity, Text

BODY = "Xpeng said its cloud model has 72 billion parameters. Another outlet put it at 70 billion parameters."


def _article(session, url: str, publisher: str, body: str = BODY) -> Article:
    article = Article(url=url, publisher=publisher, body=body, sha256=url[-8:], fetched_at=datetime.now(UTC))
    session.add(article)
    session.flush()
    return article


def _params(amount: float) -> ClaimInput:
    return ClaimInput(
        subject="xpeng",
        property="ai_model_parameters",
        value=Quantity(amount, "parameters"),
        qualifiers={"model": "cloud-foundation-model"},
        as_of=None,
        confidence=0.8,
        extractor="test",
        extractor_version="1",
    )


def test_same_statement_from_two_articles_is_one_claim_with_two_sources(db: Database) -> None:
    with db.transaction() as session:
        sync_entities(session, load_seed_entities())
        first = _article(session, "https://a.example/1", "Outlet A")
        second = _article(session, "https://b.example/2", "Outlet B")
        claim, created = upsert_claim(session, _params(72e9))
        assert created
        add_evidence(session, claim, first.id, BODY, BODY[:53], 0, 53)
        again, created_again = upsert_claim(session, _params(72e9))
        assert not created_again and again.id == claim.id
        add_evidence(session, again, second.id, BODY, BODY[:53], 0, 53)
    with db.session() as session:
        assert session.scalar(select(func.count(Claim.id))) == 1
        assert session.scalar(select(func.count(Evidence.id))) == 2
        fact = current_facts(session, ["xpeng"])["xpeng"][0]
    assert fact.publisher_count() == 2
    assert {s.publisher for s in fact.sources} == {"Outlet A", "Outlet B"}


def test_evidence_is_refused_when_the_quote_is_not_the_text_at_its_offsets(db: Database) -> None:
    with pytest.raises(EvidenceMismatch), db.transaction() as session:
        sync_entities(session, load_seed_entities())
        article = _article(session, "https://a.example/1", "Outlet A")
        claim, _ = upsert_claim(session, _params(72e9))
        add_evidence(session, claim, article.id, BODY, "72 billion", 0, 10)
    with db.session() as session:  # the whole transaction rolled back
        assert session.scalar(select(func.count(Claim.id))) == 0
        assert session.scalar(select(func.count(Article.id))) == 0


def test_disagreeing_sources_coexist_and_the_better_backed_value_is_shown_with_the_conflict(
    db: Database,
) -> None:
    with db.transaction() as session:
        sync_entities(session, load_seed_entities())
        a = _article(session, "https://a.example/1", "Outlet A")
        b = _article(session, "https://b.example/2", "Outlet B")
        c = _article(session, "https://c.example/3", "Outlet C")
        high, _ = upsert_claim(session, _params(72e9))
        add_evidence(session, high, a.id, BODY, BODY[:53], 0, 53)
        add_evidence(session, high, c.id, BODY, BODY[:53], 0, 53)
        low, _ = upsert_claim(session, _params(70e9))
        add_evidence(session, low, b.id, BODY, BODY[54:], 54, len(BODY))
    with db.session() as session:
        facts = current_facts(session, ["xpeng"])["xpeng"]
    assert len(facts) == 1
    shown = facts[0]
    assert shown.value == Quantity(72e9, "parameters")
    assert [c.value for c in shown.conflicts] == [Quantity(70e9, "parameters")]


def test_an_admin_confirmed_claim_wins_over_more_sources(db: Database) -> None:
    with db.transaction() as session:
        sync_entities(session, load_seed_entities())
        a = _article(session, "https://a.example/1", "Outlet A")
        b = _article(session, "https://b.example/2", "Outlet B")
        popular, _ = upsert_claim(session, _params(72e9))
        add_evidence(session, popular, a.id, BODY, BODY[:53], 0, 53)
        add_evidence(session, popular, b.id, BODY, BODY[:53], 0, 53)
        admin = _params(71e9)
        admin.status, admin.created_by, admin.extractor = "confirmed", "console:local:alice", "admin"
        upsert_claim(session, admin)
    with db.session() as session:
        shown = current_facts(session, ["xpeng"])["xpeng"][0]
    assert shown.value == Quantity(71e9, "parameters")
    assert shown.sources[0].admin == "console:local:alice"
    assert [c.value.key() for c in shown.conflicts] == [Quantity(72e9, "parameters").key()]


def test_multi_valued_properties_do_not_conflict(db: Database) -> None:
    with db.transaction() as session:
        sync_entities(session, load_seed_entities())
        for site in ("Munich", "Beijing"):
            upsert_claim(
                session,
                ClaimInput(
                    "li-auto",
                    "rd_site",
                    Text(site),
                    {"site": site.lower()},
                    PartialDate(2024, 1),
                    0.8,
                    "test",
                    "1",
                ),
            )
    with db.session() as session:
        facts = current_facts(session, ["li-auto"])["li-auto"]
    assert sorted(f.value.display() for f in facts) == ["Beijing", "Munich"]
    assert all(not f.conflicts for f in facts)


def test_a_value_of_the_wrong_type_or_unit_is_refused(db: Database) -> None:
    with db.transaction() as session:
        sync_entities(session, load_seed_entities())
        with pytest.raises(ValueError, match="parameters"):
            upsert_claim(
                session,
                ClaimInput("xpeng", "ai_model_parameters", Quantity(5, "people"), {}, None, 0.5, "test", "1"),
            )
        with pytest.raises(ValueError, match="takes a text"):
            upsert_claim(session, ClaimInput("xpeng", "ceo", Quantity(5, ""), {}, None, 0.5, "test", "1"))
