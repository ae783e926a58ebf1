"""Read a Markdown article with YAML front matter (title, url, publisher, published) into an ArticleDoc."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from knowledge.dates import PartialDate
from knowledge.extract.base import ArticleDoc


def parse_markdown_article(text: str) -> ArticleDoc:
    meta: dict[str, Any] = {}
    body = text
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            meta = yaml.safe_load(text[4:end]) or {}
            body = text[end + 5 :]
    return ArticleDoc(
        body=body,
        title=meta.get("title"),
        url=meta.get("url"),
        publisher=meta.get("publisher"),
        published=_published(meta.get("published")),
    )


def _published(value: object) -> PartialDate | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return PartialDate.from_date(value.date())
    if isinstance(value, dt.date):
        return PartialDate.from_date(value)
    text = str(value).strip()
    if "T" in text:
        text = text.split("T", 1)[0]
    return PartialDate.parse(text)


def load_markdown_article(path: Path) -> ArticleDoc:
    return parse_markdown_article(path.read_text(encoding="utf-8"))
