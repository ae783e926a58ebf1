"""Keyword rules that give a sentence one development topic."""

from __future__ import annotations

import re

TOPICS: tuple[str, ...] = (
    "sales", "smart_driving", "ai", "rd", "overseas", "financing", "products", "robotics", "leadership",
    "policy", "general",
)  # fmt: skip

# Checked in order; the first topic whose pattern matches wins.
_RULES: list[tuple[str, str]] = [
    ("robotics", r"\b(?:humanoid|robot(?:s|ics)?|robotaxis?)\b"),
    ("smart_driving", r"\b(?:ADAS|ADS|NOA|NGP|XNGP|FSD|autopilot|autonomous|self-driving|driverless|smart driving|"
     r"assisted driving|driving assistance|driver assistance|level [2-5]|L[2-5]\+?|lidar|city navigation)\b"),
    ("financing", r"\b(?:raised?|raising|funding|financing|investment round|series [a-f]\d?|ipo|listing|"
     r"valuation|investors?|stake|shares? (?:rose|fell|jumped|dropped)|placement|bonds?|loan)\b"),
    ("leadership", r"\b(?:CEO|chief executive|chairman|president|founder|appointed|resign(?:ed|s)?|step(?:s|ped)? down|"
     r"hired|joins?|joined|executive|CTO|CFO|head of|led by|vice president)\b"),
    ("sales", r"\b(?:deliver(?:ed|ies|y)|sales|sold|registrations|orders|market share|units|year-on-year|"
     r"month-on-month|guidance|revenue)\b"),
    ("policy", r"\b(?:tariffs?|subsid(?:y|ies)|regulat(?:or|ors|ion|ions|ory)|ministry|government|policy|policies|"
     r"MIIT|NDRC|anti-subsidy|trade-in|purchase tax|ban)\b"),
    ("ai", r"\b(?:AI|artificial intelligence|models?|parameters|large language|LLM|VLA|foundation model|"
     r"computing power|chips?|TOPS|GPU|neural)\b"),
    ("overseas", r"\b(?:overseas|international|abroad|export(?:s|ed)?|global expansion|markets?|entered|entry)\b"),
    ("rd", r"\b(?:R&D|research|engineering|engineers|lab|laboratory|development cent(?:er|re)|innovation)\b"),
    ("products", r"\b(?:launch(?:ed|es)?|unveil(?:ed|s)?|debut(?:ed|s)?|model|SUV|sedan|MPV|hatchback|price[ds]?|"
     r"pre-sale|pre-orders?|facelift|trim|variant|plant|factory|battery|batteries)\b"),
]  # fmt: skip
_COMPILED = [(topic, re.compile(pattern, re.IGNORECASE)) for topic, pattern in _RULES]
_CASE_SENSITIVE = {
    "AI",
    "ADS",
    "CEO",
    "CTO",
    "CFO",
    "VLA",
    "NOA",
    "TOPS",
    "MIIT",
    "NDRC",
    "LLM",
    "GPU",
    "FSD",
}


def classify(sentence: str) -> str:
    """The development topic of one sentence."""
    for topic, pattern in _COMPILED:
        for match in pattern.finditer(sentence):
            word = match.group()
            if word.upper() in _CASE_SENSITIVE and word != word.upper():
                continue  # "ai" inside text, "ads" (advertisements), "ceo" lower-case
            return topic
    return "general"
