"""Optional LLM extractor: the same contract as the rule extractor, with every claim checked.

The model is asked (through a forced tool call) for claims shaped like :class:`ClaimOut`. Nothing it
says is trusted: each claim is validated on its own and dropped when

* its subject does not resolve to exactly one tracked entity through the gazetteer,
* its property is not in the vocabulary (:data:`knowledge.vocabulary.PROPERTIES`),
* its value does not fit the property's type and unit (a number for a quantity, a date for a date...),
* its quote is not an exact substring of the article (offsets come from ``body.find(quote)``).

Confidence is capped (0.6 by default) and the store keeps the status "extracted", so an LLM claim is
never auto-confirmed and never outranks an admin-confirmed one. Long articles are sent in chunks of
whole paragraphs under a character budget.

A provider failure (timeout, HTTP error, unusable output) either falls back to the rule extractor
with a logged warning (``fallback="rules"``, the default: a flaky provider must not stop ingestion) or
raises :class:`LLMUnavailable`, which ingestion reports as the article's rejection reason.

No endpoint is guessed: without ``base_url`` the extractor refuses to start unless an API key is given,
in which case it uses the provider's official endpoint (``OFFICIAL_BASE_URLS``).
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from knowledge.dates import PartialDate
from knowledge.extract.base import ArticleDoc, ClaimDraft, Extraction
from knowledge.extract.places import PLACES, find_places, slug
from knowledge.gazetteer import Gazetteer
from knowledge.ingest import Rejected
from knowledge.values import DateValue, EntityRef, Quantity, Text, Value, clean_text
from knowledge.vocabulary import PROPERTIES, PropertySpec

log = logging.getLogger(__name__)

Provider = Literal["openai", "anthropic"]
Fallback = Literal["rules", "raise"]

PROVIDERS: tuple[Provider, ...] = ("openai", "anthropic")
OFFICIAL_BASE_URLS: dict[Provider, str] = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}
DEFAULT_MODELS: dict[Provider, str] = {"openai": "gpt-4o-mini", "anthropic": "claude-3-5-haiku-latest"}
TOOL_NAME = "record_claims"
MAX_CONFIDENCE = 0.6  # the ceiling for LLM claims; rule patterns use 0.6-0.9, admins confirm
# Qualifiers kept besides a property's slot qualifiers (rule claims carry these too).
EXTRA_QUALIFIERS = ("role", "status", "round", "trim")
_PLACE_QUALIFIERS = ("site", "market", "region")
_ENTITY_QUALIFIERS = ("partner",)


class LLMConfigError(ValueError):
    """The LLM extractor is misconfigured (unknown provider, no endpoint and no key...)."""


class LLMError(RuntimeError):
    """The provider failed: timeout, connection or HTTP error, or output that is not the asked-for JSON."""


class LLMUnavailable(Rejected):
    """Raised with ``fallback="raise"``: ingestion reports the message as the rejection reason."""


# --------------------------------------------------------------------------- configuration


def _env_or_attr(settings: Any, attr: str, env: str) -> Any:
    value = getattr(settings, attr, None) if settings is not None else None
    if value is None:
        value = os.environ.get(env)
    return value


def _secret(value: Any) -> str | None:
    if value is None:
        return None
    getter = getattr(value, "get_secret_value", None)
    text = str(getter() if callable(getter) else value).strip()
    return text or None


@dataclass(frozen=True)
class LLMConfig:
    provider: Provider
    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 60.0  # seconds per request
    max_retries: int = 1  # SDK retries on connection errors, 429 and 5xx
    chunk_chars: int = 8000  # character budget per request (whole paragraphs)
    max_tokens: int = 4096
    fallback: Fallback = "rules"
    max_confidence: float = MAX_CONFIDENCE

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise LLMConfigError(f"unknown LLM provider {self.provider!r} (use openai or anthropic)")
        if self.fallback not in ("rules", "raise"):
            raise LLMConfigError(f"unknown LLM fallback {self.fallback!r} (use rules or raise)")
        if not self.base_url and not self.api_key:
            raise LLMConfigError(
                f"LLM provider {self.provider} has no base URL and no API key: set EVBOT_LLM_BASE_URL "
                "for a local or compatible endpoint, or EVBOT_LLM_API_KEY to use the official API"
            )
        if self.chunk_chars < 500:
            raise LLMConfigError("EVBOT_LLM_CHUNK_CHARS must be at least 500")
        if not 0 < self.max_confidence <= MAX_CONFIDENCE:
            raise LLMConfigError(f"LLM confidence cap must be in (0, {MAX_CONFIDENCE}]")

    @property
    def endpoint(self) -> str:
        """The URL requests go to: the configured one, else the provider's official API."""
        return self.base_url or OFFICIAL_BASE_URLS[self.provider]

    @classmethod
    def from_settings(cls, settings: Any) -> LLMConfig:
        """Build from :class:`bot.settings.Settings`; the tuning knobs not declared there are read from
        the environment (``EVBOT_LLM_TIMEOUT``, ``EVBOT_LLM_MAX_RETRIES``, ``EVBOT_LLM_CHUNK_CHARS``,
        ``EVBOT_LLM_FALLBACK``)."""
        provider = str(_env_or_attr(settings, "llm_provider", "EVBOT_LLM_PROVIDER") or "").strip().lower()
        if provider not in PROVIDERS:
            raise LLMConfigError(f"unknown LLM provider {provider!r} (use openai or anthropic)")
        typed = cast(Provider, provider)
        model = str(_env_or_attr(settings, "llm_model", "EVBOT_LLM_MODEL") or DEFAULT_MODELS[typed])
        try:
            return cls(
                provider=typed,
                model=model,
                base_url=_secret(_env_or_attr(settings, "llm_base_url", "EVBOT_LLM_BASE_URL")),
                api_key=_secret(_env_or_attr(settings, "llm_api_key", "EVBOT_LLM_API_KEY")),
                timeout=float(_env_or_attr(settings, "llm_timeout", "EVBOT_LLM_TIMEOUT") or 60.0),
                max_retries=int(_env_or_attr(settings, "llm_max_retries", "EVBOT_LLM_MAX_RETRIES") or 1),
                chunk_chars=int(_env_or_attr(settings, "llm_chunk_chars", "EVBOT_LLM_CHUNK_CHARS") or 8000),
                fallback=cast(
                    Fallback,
                    str(_env_or_attr(settings, "llm_fallback", "EVBOT_LLM_FALLBACK") or "rules").lower(),
                ),
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, LLMConfigError):
                raise
            raise LLMConfigError(f"LLM settings: {exc}") from exc


# --------------------------------------------------------------------------- output model


class ClaimOut(BaseModel):
    """One claim as the model must return it; validated field by field, then against the article."""

    model_config = ConfigDict(extra="ignore")

    subject: str = Field(min_length=1, description="The tracked company the claim is about, as named")
    property: str = Field(description="A property id from the vocabulary (closed list)")
    value: str | float = Field(
        description="Quantity: a plain number, fully expanded (72 billion -> 72000000000). "
        "Date: YYYY, YYYY-MM or YYYY-MM-DD. Text: a short name or phrase."
    )
    unit: str | None = Field(None, description="For quantities: the property's unit, e.g. vehicles, CNY")
    upper: float | None = Field(None, description="Upper bound when the article gives a range")
    approx: bool = Field(False, description="True when the article hedges (about, nearly, over)")
    as_of: str | None = Field(None, description="When the claim holds: YYYY, YYYY-MM or YYYY-MM-DD")
    qualifiers: dict[str, str] = Field(
        default_factory=dict, description="Slot qualifiers of the property, e.g. period, site, model"
    )
    quote: str = Field(
        min_length=1, description="The sentence stating the claim, copied exactly from the article"
    )

    @field_validator("property")
    @classmethod
    def _known_property(cls, value: str) -> str:
        prop = value.strip()
        if prop not in PROPERTIES:
            raise ValueError(f"unknown property {value!r}")
        return prop

    @field_validator("value")
    @classmethod
    def _value_not_empty(cls, value: str | float) -> str | float:
        if isinstance(value, str) and not value.strip():
            raise ValueError("empty value")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("value is not a finite number")
        return value

    @field_validator("quote")
    @classmethod
    def _quote_in_article(cls, value: str, info: ValidationInfo) -> str:
        body = (info.context or {}).get("body")
        quote = value.strip()
        if body is not None and (not quote or quote not in body):
            raise ValueError("quote is not an exact substring of the article")
        return quote


class ClaimsOut(BaseModel):
    claims: list[ClaimOut] = Field(default_factory=list)


def tool_schema() -> dict[str, Any]:
    """JSON schema of the tool input; the property enum is built from the live vocabulary."""
    claim = ClaimOut.model_json_schema()
    claim["properties"]["property"]["enum"] = sorted(PROPERTIES)
    return {
        "type": "object",
        "properties": {"claims": {"type": "array", "items": claim}},
        "required": ["claims"],
    }


# --------------------------------------------------------------------------- value checks

_UNIT_ALIASES = {
    "%": "percent", "pct": "percent", "per cent": "percent", "percentage": "percent",
    "rmb": "CNY", "yuan": "CNY", "cny": "CNY", "¥": "CNY", "元": "CNY",
    "usd": "USD", "$": "USD", "us$": "USD", "dollars": "USD",
    "eur": "EUR", "€": "EUR", "euros": "EUR", "euro": "EUR",
    "vehicle": "vehicles", "cars": "vehicles", "units": "vehicles",
    "person": "people", "employees": "people", "staff": "people",
    "parameter": "parameters", "params": "parameters", "tops": "TOPS",
    "hub": "hubs", "market": "markets", "vehicles per year": "vehicles/year", "units/year": "vehicles/year",
}  # fmt: skip
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DATE_FORMATS = ("%B %Y", "%b %Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y")
_PERIOD_FORMS = (
    (re.compile(r"^(\d{4})(?:-(\d{2}))?$"), None),
    (re.compile(r"^(\d{4})[- ]?((?:Q[1-4]|H[12]))$", re.I), "{0}-{1}"),
    (re.compile(r"^((?:Q[1-4]|H[12]))[- ]?(\d{4})$", re.I), "{1}-{0}"),
)


class Invalid(ValueError):
    """A claim that does not fit the vocabulary or the article; the message is the drop reason."""


def _unit(spec: PropertySpec, unit: str | None) -> str:
    if unit is None or not unit.strip():
        if spec.units:  # a currency property: no silent guess between CNY, USD and EUR
            raise Invalid(f"{spec.id} needs a unit ({', '.join((spec.unit or '', *spec.units))})")
        return spec.unit or ""
    text = unit.strip()
    canonical = _UNIT_ALIASES.get(text.lower(), text)
    allowed = {spec.unit, *spec.units}
    for candidate in (canonical, text):
        if candidate in allowed:
            return candidate
    raise Invalid(f"{spec.id} is measured in {spec.unit}, not {unit!r}")


def _number(value: str | float) -> float:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if not _NUMBER.match(text):
        raise Invalid(f"not a number: {value!r}")
    return float(text.replace(",", ""))


_QUOTED_NUMBER = re.compile(
    r"(\d[\d,]*(?:\.\d+)?)\s*(trillion|billion|million|thousand|tn|bn|mn|mln|k|m|b|万|亿)?(?![a-z])", re.I
)
_SCALE_WORDS = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "万": 1e4, "亿": 1e8,
}  # fmt: skip


def number_in_quote(amount: float, quote: str) -> bool:
    """Whether the quote states ``amount`` (``42,013``, ``1.2 million``, ``72B``, ``4.2万``...)."""
    for match in _QUOTED_NUMBER.finditer(quote):
        try:
            number = float(match.group(1).replace(",", ""))
        except ValueError:
            continue
        scale = _SCALE_WORDS.get((match.group(2) or "").lower(), 1.0)
        for candidate in (number, number * scale):
            if math.isclose(candidate, abs(amount), rel_tol=1e-6, abs_tol=1e-9):
                return True
    return False


def parse_date(text: str) -> PartialDate | None:
    """ISO partial dates (``2025``, ``2025-10``, ``2025-10-03``) or ``October 2025``-style text."""
    text = text.strip()
    try:
        return PartialDate.parse(text)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        day = parsed.day if "%d" in fmt else None
        return PartialDate(parsed.year, parsed.month, day)
    return None


def _period(text: str) -> str:
    text = text.strip()
    if re.fullmatch(r"--\d{2}", text):
        return text
    for pattern, template in _PERIOD_FORMS:
        match = pattern.match(text)
        if match:
            if template is None:
                return text
            return template.format(*(g.upper() for g in match.groups()))
    date = parse_date(text)
    if date is None or date.day is not None:
        raise Invalid(f"period {text!r} is not YYYY, YYYY-MM or YYYY-Qn")
    return date.iso()


def _entity(gazetteer: Gazetteer, name: str) -> str:
    name = name.strip()
    if name in gazetteer.entities:
        return name
    ids = gazetteer.lookup(name)
    if not ids:
        raise Invalid(f"unknown entity {name!r}")
    if len(ids) > 1:
        raise Invalid(f"ambiguous entity {name!r}: {', '.join(ids)}")
    return ids[0]


def _place_key(name: str) -> str:
    """The rule extractor's key for a place (``Munich, Germany`` -> ``munich``), else a slug."""
    place = PLACES.get(name.strip())
    if place is None:
        found = find_places(name)
        place = found[0].place if found else None
    return place.key if place is not None else slug(name)


def _value(spec: PropertySpec, out: ClaimOut, gazetteer: Gazetteer) -> Value:
    if spec.value_type == "quantity":
        amount = _number(out.value)
        upper = out.upper
        unit = _unit(spec, out.unit)
        if amount < 0 and unit != "percent":
            raise Invalid(f"{spec.id} cannot be negative")
        if upper is not None and (not math.isfinite(upper) or upper < amount):
            raise Invalid(f"upper bound {upper} is below {amount}")
        if not number_in_quote(amount, out.quote):
            raise Invalid(f"the quote does not state the number {amount:g}")
        return Quantity(amount, unit, upper, out.approx)
    if isinstance(out.value, float):
        raise Invalid(f"{spec.id} takes a {spec.value_type}, not a number")
    if spec.value_type == "date":
        date = parse_date(out.value)
        if date is None:
            raise Invalid(f"not a date: {out.value!r}")
        return DateValue(date)
    if spec.value_type == "entity":
        entity_id = _entity(gazetteer, out.value)
        return EntityRef(entity_id, gazetteer.display_name(entity_id))
    text = clean_text(out.value)
    if len(text) > 200:
        raise Invalid("text value longer than 200 characters")
    if re.fullmatch(r"[\d.,\s]+", text):
        raise Invalid(f"{spec.id} takes text, not a number")
    return Text(text)


def _qualifiers(spec: PropertySpec, out: ClaimOut, value: Value, gazetteer: Gazetteer) -> dict[str, str]:
    wanted = (*spec.slot_qualifiers, *EXTRA_QUALIFIERS)
    given = {k.strip().lower(): v for k, v in out.qualifiers.items() if v and v.strip()}
    result: dict[str, str] = {}
    for name, raw in given.items():
        if name not in wanted:
            continue
        if name == "period":
            result[name] = _period(raw)
        elif name in _PLACE_QUALIFIERS:
            result[name] = _place_key(raw)
        elif name in _ENTITY_QUALIFIERS:
            result[name] = _entity(gazetteer, raw)
        elif name in EXTRA_QUALIFIERS:
            result[name] = clean_text(raw)
        else:
            result[name] = slug(raw)
    # A multi-valued property keyed by one qualifier names its item after the value (plant Hefei).
    if spec.cardinality == "multi" and len(spec.slot_qualifiers) == 1 and isinstance(value, Text):
        key = spec.slot_qualifiers[0]
        if key not in result:
            if key in _PLACE_QUALIFIERS:
                result[key] = _place_key(value.text)
            elif key in _ENTITY_QUALIFIERS:
                result[key] = _entity(gazetteer, value.text)
            else:
                result[key] = slug(value.text)
    if spec.item_key and not result.get(spec.item_key):
        raise Invalid(f"{spec.id} needs the {spec.item_key!r} qualifier")
    return {k: v for k, v in result.items() if v}


@dataclass
class Dropped:
    reason: str
    item: Any


@dataclass
class LLMResult:
    claims: list[ClaimDraft] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)


def validate_claims(
    items: list[Any],
    doc: ArticleDoc,
    gazetteer: Gazetteer,
    confidence: float = MAX_CONFIDENCE,
    search_from: int = 0,
) -> LLMResult:
    """Turn the model's raw claim objects into drafts; anything that fails a check is dropped."""
    result = LLMResult()
    body = doc.body
    for item in items:
        try:
            out = ClaimOut.model_validate(item, context={"body": body})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            result.dropped.append(Dropped(f"{where}: {first['msg']}", item))
            continue
        try:
            spec = PROPERTIES[out.property]
            subject = _entity(gazetteer, out.subject)
            value = _value(spec, out, gazetteer)
            qualifiers = _qualifiers(spec, out, value, gazetteer)
            as_of = parse_date(out.as_of) if out.as_of else None
        except (Invalid, ValueError) as exc:
            result.dropped.append(Dropped(str(exc), item))
            continue
        start = body.find(out.quote, search_from)
        if start == -1:
            start = body.find(out.quote)
        end = start + len(out.quote)
        result.claims.append(
            ClaimDraft(
                subject=subject,
                property=spec.id,
                value=value,
                quote=body[start:end],
                start=start,
                end=end,
                qualifiers=qualifiers,
                as_of=as_of,
                confidence=confidence,
            )
        )
    return result


# --------------------------------------------------------------------------- chunking


def chunk_paragraphs(body: str, budget: int) -> Iterator[tuple[int, str]]:
    """``(offset, text)`` pieces of ``body`` made of whole paragraphs, each at most ``budget`` chars
    (a single longer paragraph is cut at sentence ends, or hard at the budget)."""
    pieces: list[tuple[int, int]] = []
    for match in re.finditer(r"\S(?:.*?\S)?(?=\n\s*\n|\s*$)", body, flags=re.S):
        start, end = match.span()
        while end - start > budget:
            window = body[start : start + budget]
            cut = max(window.rfind(". "), window.rfind("。"), window.rfind("\n"))
            cut = cut + 1 if cut > budget // 4 else budget
            pieces.append((start, start + cut))
            start += cut
            while start < end and body[start].isspace():
                start += 1
        if start < end:
            pieces.append((start, end))
    chunk_start: int | None = None
    chunk_end = 0
    for start, end in pieces:
        if chunk_start is not None and end - chunk_start > budget:
            yield chunk_start, body[chunk_start:chunk_end]
            chunk_start = None
        if chunk_start is None:
            chunk_start = start
        chunk_end = end
    if chunk_start is not None:
        yield chunk_start, body[chunk_start:chunk_end]


# --------------------------------------------------------------------------- prompting

SYSTEM_PROMPT = """You extract facts about electric-vehicle companies from one news article.
Call the tool {tool} once with every claim the text states explicitly. Rules:
- subject: a company from the tracked list, written as in the list.
- property: one id from the vocabulary below; skip facts that fit none.
- value: quantities as plain numbers, fully expanded (1.2 million -> 1200000), with the unit named in the
  vocabulary; dates as YYYY, YYYY-MM or YYYY-MM-DD; text as a short name.
- qualifiers: the slot qualifiers listed for the property (period as YYYY, YYYY-MM or YYYY-Qn).
- quote: the sentence that states the claim, copied character for character from the article.
- Never guess: no claim without a quote from this text.

Vocabulary (id: type [unit] {{qualifiers}} - label):
{vocabulary}"""


def vocabulary_lines() -> str:
    lines = []
    for spec in PROPERTIES.values():
        unit = (
            f" [{'|'.join(u for u in (spec.unit, *spec.units) if u)}]"
            if spec.value_type == "quantity"
            else ""
        )
        quals = f" {{{', '.join(spec.slot_qualifiers)}}}" if spec.slot_qualifiers else ""
        lines.append(f"- {spec.id}: {spec.value_type}{unit}{quals} - {spec.label}")
    return "\n".join(lines)


def mentioned_entities(gazetteer: Gazetteer, text: str, limit: int = 60) -> list[str]:
    """Display names of tracked entities with an alias (3+ characters) in ``text``."""
    folded = text.casefold()
    found: list[str] = []
    for alias in gazetteer.aliases:
        if len(alias.alias) < 3 or alias.alias.casefold() not in folded:
            continue
        name = gazetteer.display_name(alias.entity_id)
        if name not in found:
            found.append(name)
        if len(found) >= limit:
            break
    return found


def user_prompt(doc: ArticleDoc, chunk: str, companies: list[str], part: tuple[int, int]) -> str:
    head = []
    if doc.title:
        head.append(f"Title: {doc.title}")
    if doc.publisher:
        head.append(f"Publisher: {doc.publisher}")
    if doc.published:
        head.append(f"Published: {doc.published.iso()}")
    if part[1] > 1:
        head.append(f"Part {part[0]} of {part[1]} of the article")
    head.append("Tracked companies mentioned: " + (", ".join(companies) or "(none found by name)"))
    return "\n".join(head) + f"\n\nArticle text:\n<<<\n{chunk}\n>>>"


# --------------------------------------------------------------------------- providers


def _json_object(text: str) -> Any:
    text = text.strip()
    fenced = re.match(r"^```(?:json)?\s*(.*?)\s*```$", text, flags=re.S)
    if fenced:
        text = fenced.group(1)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LLMError(f"output is not JSON ({exc.msg} at {exc.pos})") from exc


def _claim_items(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("claims"), list):
        return cast(list[Any], data["claims"])
    raise LLMError("output has no 'claims' list")


class LLMExtractor:
    """Claims from an LLM, validated against the vocabulary, the gazetteer and the article text."""

    name = "llm"

    def __init__(self, config: LLMConfig, client: Any = None) -> None:
        self.config = config
        self.version = f"1:{config.provider}:{config.model}"
        self._client = client

    # The clients are created lazily so that configuring the extractor costs nothing.
    @property
    def client(self) -> Any:
        if self._client is None:
            cfg = self.config
            api_key = cfg.api_key or "not-needed"  # local endpoints often take no key
            if cfg.provider == "openai":
                from openai import OpenAI

                self._client = OpenAI(
                    base_url=cfg.endpoint, api_key=api_key, timeout=cfg.timeout, max_retries=cfg.max_retries
                )
            else:
                from anthropic import Anthropic

                self._client = Anthropic(
                    base_url=cfg.endpoint, api_key=api_key, timeout=cfg.timeout, max_retries=cfg.max_retries
                )
        return self._client

    def extract(self, doc: ArticleDoc, gazetteer: Gazetteer) -> Extraction:
        try:
            return Extraction(claims=self.extract_claims(doc, gazetteer).claims)
        except LLMError as exc:
            if self.config.fallback == "raise":
                raise self.unavailable(exc) from exc
            log.warning("LLM extractor failed (%s); using the rule extractor for %s", exc, _where(doc))
            from knowledge.extract.rules import RuleExtractor

            return RuleExtractor().extract(doc, gazetteer)

    def unavailable(self, exc: Exception) -> LLMUnavailable:
        cfg = self.config
        return LLMUnavailable(f"LLM extractor ({cfg.provider} {cfg.model} at {cfg.endpoint}) failed: {exc}")

    def extract_claims(self, doc: ArticleDoc, gazetteer: Gazetteer) -> LLMResult:
        """Validated drafts and the dropped items with their reasons; raises :class:`LLMError`."""
        result = LLMResult()
        seen: set[tuple[object, ...]] = set()
        chunks = list(chunk_paragraphs(doc.body, self.config.chunk_chars))
        for index, (offset, chunk) in enumerate(chunks, start=1):
            prompt = user_prompt(doc, chunk, mentioned_entities(gazetteer, chunk), (index, len(chunks)))
            items = self.request(prompt)
            part = validate_claims(items, doc, gazetteer, self.config.max_confidence, offset)
            for draft in part.claims:
                key = (
                    draft.subject,
                    draft.property,
                    draft.value.key(),
                    tuple(sorted(draft.qualifiers.items())),
                )
                if (*key, draft.start) not in seen:
                    seen.add((*key, draft.start))
                    result.claims.append(draft)
            result.dropped += part.dropped
        for dropped in result.dropped:
            log.info("LLM claim dropped (%s) in %s: %s", dropped.reason, _where(doc), dropped.item)
        return result

    def request(self, prompt: str) -> list[Any]:
        """One call to the provider; the raw claim objects it returned."""
        system = SYSTEM_PROMPT.format(tool=TOOL_NAME, vocabulary=vocabulary_lines())
        try:
            if self.config.provider == "openai":
                return self._openai(system, prompt)
            return self._anthropic(system, prompt)
        except LLMError:
            raise
        except Exception as exc:  # SDK errors: timeouts, connection, HTTP status, bad payloads
            if _is_sdk_error(exc):
                raise LLMError(_describe(exc)) from exc
            raise

    def _openai(self, system: str, prompt: str) -> list[Any]:
        tool = {
            "type": "function",
            "function": {
                "name": TOOL_NAME,
                "description": "Record the claims stated in the article text.",
                "parameters": tool_schema(),
            },
        }
        response = self.client.chat.completions.create(
            model=self.config.model,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": prompt}],
            tools=[tool],
            tool_choice={"type": "function", "function": {"name": TOOL_NAME}},
            temperature=0,
            max_tokens=self.config.max_tokens,
        )
        if not response.choices:
            raise LLMError("response has no choices")
        message = response.choices[0].message
        for call in message.tool_calls or []:
            function = getattr(call, "function", None)
            if function is not None and function.name == TOOL_NAME:
                return _claim_items(_json_object(function.arguments or "{}"))
        if message.content:  # servers without tool support answer with JSON content
            return _claim_items(_json_object(message.content))
        raise LLMError("response has neither a tool call nor content")

    def _anthropic(self, system: str, prompt: str) -> list[Any]:
        response = self.client.messages.create(
            model=self.config.model,
            max_tokens=self.config.max_tokens,
            system=system,
            messages=[{"role": "user", "content": prompt}],
            tools=[
                {
                    "name": TOOL_NAME,
                    "description": "Record the claims stated in the article text.",
                    "input_schema": tool_schema(),
                }
            ],
            tool_choice={"type": "tool", "name": TOOL_NAME},
        )
        for block in response.content:
            if getattr(block, "type", None) == "tool_use" and getattr(block, "name", None) == TOOL_NAME:
                return _claim_items(block.input)
        texts = [getattr(b, "text", "") for b in response.content if getattr(b, "type", None) == "text"]
        if any(t.strip() for t in texts):
            return _claim_items(_json_object("".join(texts)))
        raise LLMError("response has no tool_use block")


def _is_sdk_error(exc: Exception) -> bool:
    kinds: list[type[BaseException]] = []
    try:
        import openai

        kinds.append(openai.OpenAIError)
    except ImportError:  # pragma: no cover - the llm extra is optional
        pass
    try:
        import anthropic

        kinds.append(anthropic.AnthropicError)
    except ImportError:  # pragma: no cover
        pass
    return isinstance(exc, tuple(kinds))


def _describe(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    if "Timeout" in name:
        return "timed out"
    if status is not None:
        return f"HTTP {status} from the provider"
    if "Connection" in name:
        return "cannot connect to the provider"
    return f"{name}: {exc}"


def _where(doc: ArticleDoc) -> str:
    return doc.url or doc.title or "an untitled article"
