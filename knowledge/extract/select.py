"""Which extractor ingestion uses: the rule extractor, or rules plus the LLM one when configured.

With ``llm_provider`` set (``EVBOT_LLM_PROVIDER=openai|anthropic``) ingestion runs the rule
extractor and the LLM extractor together (:class:`~knowledge.extract.combined.CombinedExtractor`),
so the LLM only adds claims. A misconfiguration (unknown provider, or neither a base URL nor an API
key) raises :class:`~knowledge.extract.llm.LLMConfigError` rather than silently calling anywhere.
"""

from __future__ import annotations

from typing import Any

from knowledge.extract.base import Extractor


def default_extractor(settings: Any = None) -> Extractor:
    from knowledge.extract.rules import RuleExtractor

    provider = getattr(settings, "llm_provider", None) if settings is not None else None
    if not provider or not str(provider).strip():
        return RuleExtractor()
    from knowledge.extract.combined import CombinedExtractor
    from knowledge.extract.llm import LLMConfig, LLMExtractor

    return CombinedExtractor(RuleExtractor(), LLMExtractor(LLMConfig.from_settings(settings)))
