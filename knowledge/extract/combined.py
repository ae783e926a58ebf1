"""Rules plus LLM: the LLM is additive, never a replacement.

The rule extractor always runs (its developments and unknown organisations are kept as they are).
LLM claims are added after validation. When both extractors state the same claim (same subject,
property, slot qualifiers and value) the rule draft's confidence rises a little; the LLM draft is
kept as further evidence when its quote is elsewhere in the article, and dropped when it overlaps
the rule's quote. An LLM failure leaves the rule output alone (with ``fallback="rules"``) or rejects
the article (``fallback="raise"``).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from knowledge.extract.base import ArticleDoc, ClaimDraft, Extraction, Extractor
from knowledge.extract.llm import LLMError, LLMExtractor
from knowledge.gazetteer import Gazetteer
from knowledge.vocabulary import PROPERTIES

log = logging.getLogger(__name__)

AGREEMENT_BONUS = 0.05
AGREEMENT_CEILING = 0.95


def claim_key(draft: ClaimDraft) -> tuple[str, ...]:
    """What makes two drafts the same statement: the slot (with its qualifiers) and the value."""
    spec = PROPERTIES.get(draft.property)
    names = spec.slot_qualifiers if spec is not None else tuple(sorted(draft.qualifiers))
    quals = tuple(f"{name}={draft.qualifiers.get(name, '')}" for name in names)
    return (draft.subject, draft.property, *quals, draft.value.key())


def _overlaps(a: ClaimDraft, b: ClaimDraft) -> bool:
    return a.start < b.end and b.start < a.end


class CombinedExtractor:
    name = "rules+llm"

    def __init__(self, rules: Extractor, llm: LLMExtractor) -> None:
        self.rules = rules
        self.llm = llm
        self.version = f"{rules.name}@{rules.version}+{llm.version}"

    def extract(self, doc: ArticleDoc, gazetteer: Gazetteer) -> Extraction:
        base = self.rules.extract(doc, gazetteer)
        try:
            llm_claims = self.llm.extract_claims(doc, gazetteer).claims
        except LLMError as exc:
            if self.llm.config.fallback == "raise":
                raise self.llm.unavailable(exc) from exc
            log.warning("LLM extractor failed (%s); keeping the rule claims only", exc)
            return base
        return Extraction(
            claims=merge_claims(base.claims, llm_claims),
            developments=base.developments,
            unknown_orgs=base.unknown_orgs,
        )


def merge_claims(rule_claims: list[ClaimDraft], llm_claims: list[ClaimDraft]) -> list[ClaimDraft]:
    """Rule drafts (raised a little where the LLM agrees) followed by the LLM drafts they lack."""
    by_key: dict[tuple[str, ...], list[int]] = {}
    merged = list(rule_claims)
    for index, draft in enumerate(merged):
        by_key.setdefault(claim_key(draft), []).append(index)
    boosted: set[int] = set()
    for draft in llm_claims:
        matches = by_key.get(claim_key(draft), [])
        for index in matches:
            if index not in boosted:
                boosted.add(index)
                rule = merged[index]
                raised = max(rule.confidence, min(AGREEMENT_CEILING, rule.confidence + AGREEMENT_BONUS))
                merged[index] = replace(rule, confidence=round(raised, 4))
        if any(_overlaps(merged[i], draft) for i in matches):
            continue  # the same statement from the same sentence: the rule draft carries it
        merged.append(draft)
    return merged
