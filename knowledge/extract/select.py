"""Which extractor ingestion uses: the rule extractor, or the LLM one when configured."""

from __future__ import annotations

from typing import Any

from knowledge.extract.base import Extractor


def default_extractor(settings: Any = None) -> Extractor:
    from knowledge.extract.rules import RuleExtractor

    return RuleExtractor()
