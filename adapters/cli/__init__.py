"""The ``evbot`` command line: run, chat, ask, ingest, export, db, config (and more by module)."""

from __future__ import annotations

import logging
import sys

import click

from adapters.cli import digest_cmds, discord_cmds, knowledge_cmds, run_cmds  # noqa: F401  (register subcommands)
from adapters.cli.main import cli


def main() -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    try:
        cli(standalone_mode=True)
    except click.exceptions.Exit as exc:  # pragma: no cover - click handles this itself
        sys.exit(exc.exit_code)


__all__ = ["cli", "main"]
