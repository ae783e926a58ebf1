"""The root ``evbot`` command group and shared helpers for subcommands."""

from __future__ import annotations

import logging

import click

from bot.settings import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """evbot: cited briefings on the electric-vehicle industry."""
    settings = Settings()
    logging.getLogger().setLevel(settings.log_level.upper())
    ctx.obj = settings


def settings_of(ctx: click.Context) -> Settings:
    settings = ctx.find_object(Settings)
    return settings if settings is not None else Settings()
