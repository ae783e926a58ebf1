"""Command grammar: ``/ev <command> [arguments]`` with shell-style quoting.

The same text arrives from every platform (Slack's slash-command text, Discord options joined
back into a line, the console), so there is one parser and one set of usage messages.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from functools import lru_cache

PREFIXES = ("/ev", "ev")
_INNER_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_APOSTROPHE_MARK = "\ue000"  # a private-use character no one types
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


class UsageError(Exception):
    """The command is malformed; ``usage`` says how to write it."""

    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


@dataclass(frozen=True)
class ParsedCommand:
    name: str
    args: list[str]
    raw: str


def tokenize(text: str) -> list[str]:
    cleaned = text.translate(_SMART_QUOTES).strip()
    # an apostrophe inside a word ("what's", "BYD's") is text, not a quote
    cleaned = _INNER_APOSTROPHE.sub(_APOSTROPHE_MARK, cleaned)
    try:
        tokens = [token.replace(_APOSTROPHE_MARK, "'") for token in shlex.split(cleaned, posix=True)]
    except ValueError as exc:
        raise UsageError(f"cannot read the command: {exc} (check your quotes)") from exc
    if tokens and tokens[0].lower() in PREFIXES:
        tokens = tokens[1:]
    return tokens


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    # the same line is parsed by an adapter (to decide whether to defer) and by the core
    return tuple(tokenize(text))


def parse(text: str) -> ParsedCommand:
    tokens = list(_tokens(text))
    if not tokens:
        return ParsedCommand("help", [], text)
    return ParsedCommand(tokens[0].lower(), tokens[1:], text)


def quote_arg(arg: str) -> str:
    """Quote one argument so that ``parse`` reads it back as it was (used by adapters' options)."""
    return shlex.quote(arg)
