"""Extraction: article text in, claim drafts with exact evidence offsets out."""

from knowledge.extract.base import (
    ArticleDoc,
    ClaimDraft,
    DevelopmentDraft,
    Extraction,
    Extractor,
    UnknownOrg,
)

__all__ = ["ArticleDoc", "ClaimDraft", "DevelopmentDraft", "Extraction", "Extractor", "UnknownOrg"]
