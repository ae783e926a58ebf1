"""Story grouping: the same news from different outlets shares one ``Article.story_id``.

An article is compared with recent articles on its title and lead (the first few sentences).
Two articles tell the same story when their content words overlap strongly and, where both
quote significant figures (e.g. ``502,657``), they share at least one. Monthly reports look
alike from month to month; their figures tell them apart. The first article of a story gives
the story its id (its own article id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.dates import PartialDate
from knowledge.schema import Article

RECENT = 400  # articles compared with each new one
LEAD_CHARS = 400
MAX_DAYS_APART = 4

_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "over",
        "said",
        "says",
        "she",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "up",
        "was",
        "we",
        "were",
        "which",
        "while",
        "who",
        "will",
        "with",
        "would",
        "after",
        "also",
        "about",
        "more",
        "than",
        "new",
        "year",
        "month",
        "company",
        "companies",
        "per",
        "cent",
        "percent",
    ]
)
_WORD = re.compile(r"[^\W_]+(?:[.,'][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Fingerprint:
    words: frozenset[str]
    figures: frozenset[str]
    title: str


def _figure(token: str) -> str | None:
    digits = token.replace(",", "")
    if not re.fullmatch(r"\d+(\.\d+)?", digits):
        return None
    whole = digits.split(".")[0]
    if len(whole) == 4 and 1900 <= int(whole) <= 2100 and "." not in digits:
        return None  # a year, shared by unrelated reports
    if len(whole) < 3 and "." not in digits:
        return None
    return digits


def fingerprint(title: str | None, body: str | None) -> Fingerprint:
    text = f"{title or ''}\n{(body or '')[:LEAD_CHARS]}"
    words: set[str] = set()
    figures: set[str] = set()
    for match in _WORD.finditer(text.casefold()):
        token = match.group(0)
        figure = _figure(token)
        if figure is not None:
            figures.add(figure)
        elif len(token) > 2 and token not in _STOP and not token.replace(",", "").replace(".", "").isdigit():
            words.add(token.strip(".,'"))
    return Fingerprint(frozenset(words), frozenset(figures), (title or "").casefold())


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """0..1: how likely the two are one story."""
    if not a.words or not b.words:
        return 0.0
    if a.figures and b.figures and not (a.figures & b.figures):
        return 0.0
    shared = len(a.words & b.words)
    overlap = shared / min(len(a.words), len(b.words))
    jaccard = shared / len(a.words | b.words)
    score = 0.6 * overlap + 0.4 * jaccard
    if a.figures & b.figures:
        score += 0.15
    if a.title and b.title:
        score = max(
            score, 0.9 * fuzz.token_set_ratio(a.title, b.title) / 100 if (a.figures & b.figures) else 0.0
        )
    return min(score, 1.0)


SAME_STORY = 0.5


def _days_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b or len(a) != 10 or len(b) != 10:
        return None
    try:
        da, db_ = PartialDate.parse(a), PartialDate.parse(b)
        from datetime import date

        return abs(
            (
                date(da.year or 1, da.month or 1, da.day or 1)
                - date(db_.year or 1, db_.month or 1, db_.day or 1)
            ).days
        )
    except ValueError:
        return None


def find_story(session: Session, article: Article) -> int | None:
    """The story id of the most similar recent article, when it is the same story."""
    mine = fingerprint(article.title, article.body)
    rows = session.execute(
        select(
            Article.id,
            Article.story_id,
            Article.title,
            func.substr(Article.body, 1, LEAD_CHARS),
            Article.published,
        )
        .where(Article.id != article.id, Article.body.is_not(None))
        .order_by(Article.id.desc())
        .limit(RECENT)
    ).all()
    best: tuple[float, int] | None = None
    for other_id, story_id, title, lead, published in rows:
        apart = _days_apart(article.published, published)
        if apart is not None and apart > MAX_DAYS_APART:
            continue
        score = similarity(mine, fingerprint(title, lead))
        if score >= SAME_STORY and (best is None or score > best[0]):
            best = (score, story_id or other_id)
    return best[1] if best else None


def assign_story(session: Session, article: Article) -> None:
    """Ingest hook: join the story of a near-duplicate, or start a story of its own."""
    if article.body is None:
        return
    if article.story_id is None or article.story_id == article.id:
        article.story_id = find_story(session, article) or article.id
        session.flush()
