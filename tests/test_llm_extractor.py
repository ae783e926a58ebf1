"""The optional LLM extractor against fake OpenAI-compatible and Anthropic servers on loopback.

The official SDKs really send their requests: an aiohttp server on 127.0.0.1 (port 0, in a thread)
answers ``POST /v1/chat/completions`` with a tool call and ``POST /v1/messages`` with a ``tool_use``
block, built here from the fixture article, and records what it received.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.settings import Settings
from knowledge.db import Database
from knowledge.extract.articles import load_markdown_article
from knowledge.extract.base import ArticleDoc, ClaimDraft, Extraction
from knowledge.extract.combined import CombinedExtractor, merge_claims
from knowledge.extract.llm import (
    MAX_CONFIDENCE,
    LLMConfig,
    LLMConfigError,
    LLMError,
    LLMExtractor,
    LLMUnavailable,
    chunk_paragraphs,
    tool_schema,
    validate_claims,
)
from knowledge.extract.rules import RuleExtractor
from knowledge.extract.select import default_extractor
from knowledge.gazetteer import Gazetteer, load_seed_entities
from knowledge.ingest import Ingestor, RawArticle
from knowledge.schema import Claim, Evidence
from knowledge.store import sync_entities
from knowledge.values import DateValue, Quantity, Text

ARTICLE = Path(__file__).parent / "fixtures" / "llm" / "xpeng-october.md"
MODEL = "fake-model-1"

Reply = Callable[[dict[str, Any]], list[dict[str, Any]]]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_seed_entities()


@pytest.fixture(scope="module")
def doc() -> ArticleDoc:
    return load_markdown_article(ARTICLE)


def sentence(doc: ArticleDoc, starts: str) -> str:
    """The full sentence of the fixture article that begins with ``starts``."""
    start = doc.body.index(starts)
    return doc.body[start : doc.body.index(".", doc.body.index(" ", start + len(starts))) + 1]


def canned_claims(doc: ArticleDoc) -> list[dict[str, Any]]:
    """What a model might answer for the fixture: four good claims, then one bad claim of each kind."""
    deliveries = sentence(doc, "Xpeng delivered")
    plant = sentence(doc, "The Guangzhou plant")
    ceo = sentence(doc, "He Xiaopeng")
    munich = sentence(doc, "Separately, Nio")
    return [
        # valid
        {"subject": "Xpeng", "property": "deliveries", "value": 42013, "unit": "vehicles",
         "as_of": "2025-10", "qualifiers": {"period": "October 2025"}, "quote": deliveries},
        {"subject": "XPeng Motors", "property": "plant_capacity", "value": "200,000",
         "unit": "vehicles/year", "qualifiers": {"site": "Guangzhou"}, "quote": plant},
        {"subject": "Xpeng", "property": "ceo", "value": "He Xiaopeng", "quote": ceo},
        {"subject": "NIO Inc", "property": "rd_site", "value": "Munich", "quote": f"  {munich} "},
        # a hallucinated quote: not in the article
        {"subject": "Xpeng", "property": "deliveries", "value": 50000, "unit": "vehicles",
         "qualifiers": {"period": "2025-11"}, "quote": "Xpeng delivered 50,000 vehicles in November 2025."},
        # a paraphrased quote: close, but not an exact substring
        {"subject": "Xpeng", "property": "deliveries_yoy", "value": 76, "unit": "percent",
         "qualifiers": {"period": "2025-10"}, "quote": deliveries.replace("76%", "76 percent")},
        # an unknown company
        {"subject": "Acme Motors", "property": "ceo", "value": "He Xiaopeng", "quote": ceo},
        # an unknown property
        {"subject": "Xpeng", "property": "battery_chemistry", "value": "LFP", "quote": plant},
        # wrong value types / units
        {"subject": "Xpeng", "property": "deliveries", "value": "lots", "unit": "vehicles",
         "qualifiers": {"period": "2025-10"}, "quote": deliveries},
        {"subject": "Xpeng", "property": "ceo", "value": 42, "quote": ceo},
        {"subject": "Xpeng", "property": "plant_capacity", "value": 200000, "unit": "kWh",
         "qualifiers": {"site": "Guangzhou"}, "quote": plant},
        {"subject": "Xpeng", "property": "price_from", "value": 119800, "quote": ceo},  # no currency
        {"subject": "Nio", "property": "rd_site_opened", "value": "soon", "qualifiers": {"site": "Munich"},
         "quote": munich},
        # a real sentence with a number it does not state
        {"subject": "Xpeng", "property": "deliveries", "value": 50000, "unit": "vehicles",
         "qualifiers": {"period": "2025-10"}, "quote": deliveries},
        # an item property without its item
        {"subject": "Xpeng", "property": "plant_capacity", "value": 200000, "unit": "vehicles/year",
         "quote": plant},
        # not even an object with the fields
        {"subject": "Xpeng"},
    ]  # fmt: skip


GOOD = 4


class FakeProvider:
    """An aiohttp app on loopback in its own thread, speaking just enough OpenAI and Anthropic."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.reply: Reply = lambda _body: []
        self.mode = "ok"  # ok | error | slow | garbage
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    # -- lifecycle
    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        self.ready.set()
        self.loop.run_forever()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._openai)
        app.router.add_post("/v1/messages", self._anthropic)
        self.runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]

    def start(self) -> FakeProvider:
        self.thread.start()
        assert self.ready.wait(5)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def anthropic_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- handlers
    async def _common(self, path: str, request: web.Request) -> web.Response | None:
        body = await request.json()
        self.requests.append((path, body))
        if self.mode == "error":
            return web.json_response({"error": {"message": "boom", "type": "server_error"}}, status=500)
        if self.mode == "slow":
            await asyncio.sleep(2)
        return None

    async def _openai(self, request: web.Request) -> web.Response:
        failed = await self._common("openai", request)
        if failed is not None:
            return failed
        body = self.requests[-1][1]
        arguments = "{not json" if self.mode == "garbage" else json.dumps({"claims": self.reply(body)})
        if self.mode == "content":  # a server without tool support answers in the message text
            message: dict[str, Any] = {"role": "assistant", "content": f"```json\n{arguments}\n```"}
            return web.json_response(
                {"id": "chatcmpl-2", "object": "chat.completion", "created": 0, "model": body["model"],
                 "choices": [{"index": 0, "finish_reason": "stop", "message": message}]}
            )  # fmt: skip
        return web.json_response(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "tool_calls",
                        "message": {
                            "role": "assistant",
                            "content": None,
                            "tool_calls": [
                                {
                                    "id": "call_1",
                                    "type": "function",
                                    "function": {"name": "record_claims", "arguments": arguments},
                                }
                            ],
                        },
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )

    async def _anthropic(self, request: web.Request) -> web.Response:
        failed = await self._common("anthropic", request)
        if failed is not None:
            return failed
        body = self.requests[-1][1]
        return web.json_response(
            {
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": body["model"],
                "content": [
                    {"type": "text", "text": "Recording the claims."},
                    {
                        "type": "tool_use",
                        "id": "toolu_1",
                        "name": "record_claims",
                        "input": {"claims": self.reply(body)},
                    },
                ],
                "stop_reason": "tool_use",
                "stop_sequence": None,
                "usage": {"input_tokens": 1, "output_tokens": 1},
            }
        )


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    server = FakeProvider().start()
    try:
        yield server
    finally:
        server.stop()


def make_extractor(fake: FakeProvider, provider: str, **overrides: Any) -> LLMExtractor:
    url = fake.openai_url if provider == "openai" else fake.anthropic_url
    values: dict[str, Any] = {
        "provider": provider,
        "model": MODEL,
        "base_url": url,
        "api_key": "test-key",
        "timeout": 1.0,
        "max_retries": 0,
    }
    values.update(overrides)
    return LLMExtractor(LLMConfig(**values))


def prompt_text(provider: str, body: dict[str, Any]) -> str:
    """Everything the SDK sent as instructions and messages, as one string."""
    parts = [m["content"] for m in body["messages"] if isinstance(m["content"], str)]
    if provider == "anthropic":
        system = body["system"]
        parts.append(system if isinstance(system, str) else json.dumps(system))
    return "\n".join(parts)


def by_property(ex: Extraction | list[ClaimDraft]) -> dict[str, list[ClaimDraft]]:
    claims = ex.claims if isinstance(ex, Extraction) else ex
    found: dict[str, list[ClaimDraft]] = {}
    for claim in claims:
        found.setdefault(claim.property, []).append(claim)
    return found


# --------------------------------------------------------------------------- end to end via the SDKs


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_valid_claims_become_drafts_with_exact_quotes(
    fake: FakeProvider, provider: str, doc: ArticleDoc, gazetteer: Gazetteer
) -> None:
    fake.reply = lambda _body: canned_claims(doc)
    extractor = make_extractor(fake, provider)
    result = extractor.extract_claims(doc, gazetteer)

    assert len(result.claims) == GOOD
    assert len(result.dropped) == len(canned_claims(doc)) - GOOD
    for claim in result.claims:
        assert doc.body[claim.start : claim.end] == claim.quote
        assert claim.confidence <= MAX_CONFIDENCE
    found = by_property(result.claims)
    (deliveries,) = found["deliveries"]
    assert deliveries.subject == "xpeng"
    assert deliveries.value == Quantity(42013.0, "vehicles")
    assert deliveries.qualifiers == {"period": "2025-10"}
    assert deliveries.quote.startswith("Xpeng delivered 42,013 vehicles")
    (capacity,) = found["plant_capacity"]
    assert capacity.value == Quantity(200000.0, "vehicles/year")
    assert capacity.qualifiers == {"site": "guangzhou"}
    (ceo,) = found["ceo"]
    assert ceo.value == Text("He Xiaopeng")
    (munich,) = found["rd_site"]
    assert munich.subject == "nio" and munich.qualifiers == {"site": "munich"}
    assert munich.quote == "Separately, Nio said it had opened a research center in Munich, Germany."

    # The SDK really called the fake server, with our model and the article in the prompt.
    assert len(fake.requests) == 1
    path, body = fake.requests[0]
    assert path == provider
    assert body["model"] == MODEL
    text = prompt_text(provider, body)
    assert doc.body.strip() in text
    assert "deliveries" in text and "Xpeng" in text
    if provider == "openai":
        assert body["tool_choice"]["function"]["name"] == "record_claims"
        assert body["tools"][0]["function"]["parameters"] == tool_schema()
    else:
        assert body["tool_choice"] == {"type": "tool", "name": "record_claims"}
        assert body["tools"][0]["input_schema"] == tool_schema()


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_every_bad_claim_is_dropped_with_a_reason(
    fake: FakeProvider, provider: str, doc: ArticleDoc, gazetteer: Gazetteer
) -> None:
    fake.reply = lambda _body: canned_claims(doc)[GOOD:]
    result = make_extractor(fake, provider).extract_claims(doc, gazetteer)
    assert result.claims == []
    reasons = " | ".join(d.reason for d in result.dropped)
    assert reasons.count("not an exact substring") == 2
    assert "unknown entity 'Acme Motors'" in reasons
    assert "unknown property 'battery_chemistry'" in reasons
    assert "not a number: 'lots'" in reasons
    assert "ceo takes a text, not a number" in reasons
    assert "not 'kWh'" in reasons
    assert "price_from needs a unit" in reasons
    assert "not a date: 'soon'" in reasons
    assert "needs the 'site' qualifier" in reasons
    assert "the quote does not state the number 50000" in reasons


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_server_error_falls_back_to_rules(
    fake: FakeProvider,
    provider: str,
    doc: ArticleDoc,
    gazetteer: Gazetteer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.mode = "error"
    extractor = make_extractor(fake, provider, max_retries=1)
    with caplog.at_level(logging.WARNING, logger="knowledge.extract.llm"):
        extraction = extractor.extract(doc, gazetteer)
    expected = RuleExtractor().extract(doc, gazetteer)
    assert extraction.claims == expected.claims and extraction.claims
    assert "HTTP 500" in caplog.text and "rule extractor" in caplog.text
    assert len(fake.requests) == 2  # one retry, then give up


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_timeout_falls_back_to_rules(
    fake: FakeProvider,
    provider: str,
    doc: ArticleDoc,
    gazetteer: Gazetteer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.mode = "slow"
    fake.reply = lambda _body: canned_claims(doc)
    extractor = make_extractor(fake, provider, timeout=0.3)
    with caplog.at_level(logging.WARNING, logger="knowledge.extract.llm"):
        extraction = extractor.extract(doc, gazetteer)
    assert extraction.claims == RuleExtractor().extract(doc, gazetteer).claims
    assert "timed out" in caplog.text
    assert len(fake.requests) == 1


def test_json_content_without_tool_support_is_accepted(
    fake: FakeProvider, doc: ArticleDoc, gazetteer: Gazetteer
) -> None:
    fake.mode = "content"
    fake.reply = lambda _body: canned_claims(doc)
    result = make_extractor(fake, "openai").extract_claims(doc, gazetteer)
    assert len(result.claims) == GOOD


def test_unusable_output_is_a_provider_failure(
    fake: FakeProvider, doc: ArticleDoc, gazetteer: Gazetteer
) -> None:
    fake.mode = "garbage"
    extractor = make_extractor(fake, "openai")
    with pytest.raises(LLMError, match="not JSON"):
        extractor.extract_claims(doc, gazetteer)
    assert extractor.extract(doc, gazetteer).claims == RuleExtractor().extract(doc, gazetteer).claims


def test_fallback_raise_is_an_ingestion_rejection(
    fake: FakeProvider, doc: ArticleDoc, gazetteer: Gazetteer, sqlite_db: Database
) -> None:
    fake.mode = "error"
    extractor = make_extractor(fake, "anthropic", fallback="raise")
    with pytest.raises(LLMUnavailable, match="HTTP 500"):
        extractor.extract(doc, gazetteer)

    with sqlite_db.transaction() as session:
        sync_entities(session, gazetteer)
    combined = CombinedExtractor(RuleExtractor(), extractor)
    raw = RawArticle(body=doc.body, origin="xpeng.md", title=doc.title, url=doc.url)
    result = Ingestor(sqlite_db, combined, hooks=[]).ingest(raw)
    assert result.outcome == "rejected"
    assert result.reason is not None and "LLM extractor (anthropic fake-model-1" in result.reason
    with sqlite_db.transaction() as session:
        assert session.scalars(select(Claim)).first() is None


def test_long_articles_are_sent_in_paragraph_chunks(fake: FakeProvider, gazetteer: Gazetteer) -> None:
    filler = "Analysts expect the price war among Chinese carmakers to continue well into next year."
    paragraphs = [f"{filler} Paragraph {i}." for i in range(30)]
    paragraphs[25] = "Li Auto delivered 40,000 vehicles in September 2025."
    doc = ArticleDoc(body="\n\n".join(paragraphs), title="Long read")
    quote = paragraphs[25]

    def reply(body: dict[str, Any]) -> list[dict[str, Any]]:
        prompt = prompt_text("openai", body)
        if quote not in prompt:
            return []
        return [
            {"subject": "Li Auto", "property": "deliveries", "value": 40000, "unit": "vehicles",
             "qualifiers": {"period": "2025-09"}, "quote": quote}
        ]  # fmt: skip

    fake.reply = reply
    extractor = make_extractor(fake, "openai", chunk_chars=800)
    result = extractor.extract_claims(doc, gazetteer)
    assert len(fake.requests) > 3
    for _path, body in fake.requests:
        article = prompt_text("openai", body).split("<<<\n", 1)[1].split("\n>>>", 1)[0]
        assert len(article) <= 800 and article in doc.body
        assert "Paragraph" in article.split("\n\n")[0]  # chunks start at a paragraph
    (claim,) = result.claims
    assert doc.body[claim.start : claim.end] == quote
    assert claim.subject == "li-auto"


def test_chunks_cover_the_body_in_order() -> None:
    body = "\n\n".join(("word " * n).strip() for n in (3, 150, 40, 1, 90))
    chunks = list(chunk_paragraphs(body, 500))
    assert all(len(text) <= 500 and body[offset : offset + len(text)] == text for offset, text in chunks)
    joined = "".join(text for _o, text in chunks).replace("\n", "").replace(" ", "")
    assert joined == body.replace("\n", "").replace(" ", "")
    assert [o for o, _t in chunks] == sorted(o for o, _t in chunks)


# --------------------------------------------------------------------------- combined with rules


def test_combined_is_additive_and_agreement_raises_confidence(
    fake: FakeProvider, doc: ArticleDoc, gazetteer: Gazetteer
) -> None:
    fake.reply = lambda _body: canned_claims(doc)
    combined = CombinedExtractor(RuleExtractor(), make_extractor(fake, "openai"))
    rules = RuleExtractor().extract(doc, gazetteer)
    merged = combined.extract(doc, gazetteer)

    rule_found, merged_found = by_property(rules), by_property(merged)
    # agreement (same slot and value, same sentence): one draft, a little more confident
    assert len(merged_found["deliveries"]) == 1
    assert merged_found["deliveries"][0].confidence == pytest.approx(
        rule_found["deliveries"][0].confidence + 0.05
    )
    assert merged_found["plant_capacity"][0].confidence > rule_found["plant_capacity"][0].confidence
    # the rule claims the LLM did not repeat are untouched, and the LLM adds what rules missed
    assert merged_found["price_from"] == rule_found["price_from"]
    assert "ceo" not in rule_found
    (ceo,) = merged_found["ceo"]
    assert ceo.confidence <= MAX_CONFIDENCE
    assert len(merged.claims) == len(rules.claims) + 1
    assert merged.developments == rules.developments
    assert combined.name == "rules+llm" and MODEL in combined.version


def test_combined_survives_a_provider_failure(
    fake: FakeProvider, doc: ArticleDoc, gazetteer: Gazetteer, caplog: pytest.LogCaptureFixture
) -> None:
    fake.mode = "error"
    combined = CombinedExtractor(RuleExtractor(), make_extractor(fake, "anthropic"))
    with caplog.at_level(logging.WARNING, logger="knowledge.extract.combined"):
        merged = combined.extract(doc, gazetteer)
    assert merged.claims == RuleExtractor().extract(doc, gazetteer).claims
    assert "rule claims only" in caplog.text


def test_merge_keeps_llm_evidence_from_another_sentence() -> None:
    value = Quantity(100.0, "vehicles")
    rule = ClaimDraft("nio", "deliveries", value, "a", 0, 10, {"period": "2025-10"}, None, 0.8)
    elsewhere = ClaimDraft("nio", "deliveries", value, "b", 50, 60, {"period": "2025-10"}, None, 0.6)
    other_period = ClaimDraft("nio", "deliveries", value, "c", 0, 10, {"period": "2025-09"}, None, 0.6)
    merged = merge_claims([rule], [elsewhere, other_period])
    assert [c.quote for c in merged] == ["a", "b", "c"]
    assert merged[0].confidence == pytest.approx(0.85)


def test_ingestion_stores_llm_claims_as_extracted_and_merges_by_slot(
    fake: FakeProvider, doc: ArticleDoc, gazetteer: Gazetteer, sqlite_db: Database
) -> None:
    fake.reply = lambda _body: canned_claims(doc)
    with sqlite_db.transaction() as session:
        sync_entities(session, gazetteer)
    combined = CombinedExtractor(RuleExtractor(), make_extractor(fake, "openai"))
    raw = RawArticle(body=doc.body, origin="xpeng.md", title=doc.title, url=doc.url)
    result = Ingestor(sqlite_db, combined, hooks=[]).ingest(raw)
    assert result.outcome == "new", result.reason
    with sqlite_db.transaction() as session:
        claims = list(session.scalars(select(Claim)))
        assert {c.status for c in claims} == {"extracted"}
        deliveries = [c for c in claims if c.property == "deliveries"]
        assert len(deliveries) == 1  # rules and LLM agreed: one claim
        ceo = next(c for c in claims if c.property == "ceo")
        assert ceo.value_text == "He Xiaopeng" and ceo.confidence <= MAX_CONFIDENCE
        quotes = [e.quote for e in session.scalars(select(Evidence).where(Evidence.claim_id == ceo.id))]
        assert quotes == [sentence(doc, "He Xiaopeng")]


# --------------------------------------------------------------------------- validation details


def test_validation_without_a_provider(doc: ArticleDoc, gazetteer: Gazetteer) -> None:
    munich = sentence(doc, "Separately, Nio")
    items = [
        {"subject": "nio", "property": "rd_site_opened", "value": "November 2025",
         "qualifiers": {"site": "Munich, Germany"}, "quote": munich},
        {"subject": "Xpeng", "property": "deliveries_yoy", "value": "76", "unit": "%",
         "qualifiers": {"period": "Q3 2025"}, "quote": sentence(doc, "Xpeng delivered")},
        {"subject": "Xpeng", "property": "deliveries", "value": -5, "unit": "vehicles",
         "quote": sentence(doc, "Xpeng delivered")},
        {"subject": "Xpeng", "property": "deliveries", "value": 5, "unit": "vehicles",
         "qualifiers": {"period": "someday"}, "quote": sentence(doc, "Xpeng delivered")},
        "not an object",
    ]  # fmt: skip
    result = validate_claims(items, doc, gazetteer, confidence=0.5)
    opened, yoy = result.claims
    assert opened.value == DateValue(opened.value.date) and opened.value.display() == "Nov 2025"  # type: ignore[union-attr]
    assert opened.qualifiers == {"site": "munich"} and opened.confidence == 0.5
    assert yoy.value == Quantity(76.0, "percent") and yoy.qualifiers == {"period": "2025-Q3"}
    assert len(result.dropped) == 3


def test_schema_lists_the_vocabulary() -> None:
    schema = tool_schema()
    item = schema["properties"]["claims"]["items"]
    assert "deliveries" in item["properties"]["property"]["enum"]
    assert {"subject", "property", "value", "quote"} <= set(item["required"])


# --------------------------------------------------------------------------- configuration


def test_no_endpoint_without_base_url_or_key() -> None:
    with pytest.raises(LLMConfigError, match="no base URL and no API key"):
        LLMConfig(provider="openai", model=MODEL)
    official = LLMConfig(provider="anthropic", model=MODEL, api_key="sk-test")
    assert official.endpoint == "https://api.anthropic.com"
    assert "sk-test" not in repr(official)
    with pytest.raises(LLMConfigError, match="unknown LLM provider"):
        LLMConfig(provider="mistral", model=MODEL, base_url="http://127.0.0.1:1")  # type: ignore[arg-type]
    with pytest.raises(LLMConfigError, match="fallback"):
        LLMConfig(provider="openai", model=MODEL, base_url="http://127.0.0.1:1", fallback="ignore")  # type: ignore[arg-type]


def test_default_extractor_follows_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EVBOT_LLM_TIMEOUT", "EVBOT_LLM_MAX_RETRIES", "EVBOT_LLM_CHUNK_CHARS", "EVBOT_LLM_FALLBACK"):
        monkeypatch.delenv(name, raising=False)
    plain = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert isinstance(default_extractor(plain), RuleExtractor)
    assert isinstance(default_extractor(None), RuleExtractor)

    monkeypatch.setenv("EVBOT_LLM_FALLBACK", "raise")
    monkeypatch.setenv("EVBOT_LLM_TIMEOUT", "5")
    configured = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        llm_provider="anthropic",
        llm_base_url="http://127.0.0.1:9/",
        llm_model=MODEL,
    )
    extractor = default_extractor(configured)
    assert isinstance(extractor, CombinedExtractor)
    config = extractor.llm.config
    assert (config.provider, config.model, config.base_url) == ("anthropic", MODEL, "http://127.0.0.1:9/")
    assert config.fallback == "raise" and config.timeout == 5.0

    missing = Settings(_env_file=None, data_dir=tmp_path, llm_provider="openai")  # type: ignore[call-arg]
    with pytest.raises(LLMConfigError):
        default_extractor(missing)
