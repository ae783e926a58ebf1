"""``evbot ingest``, ``export`` and ``db upgrade``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from adapters.cli.main import cli, settings_of
from bot.app import open_database, prepare_store
from knowledge.export import export_claims, starter_document, to_jsonl
from knowledge.extract.select import default_extractor
from knowledge.fetch import DEFAULT_TIMEOUT, ingest_feed, ingest_url
from knowledge.ingest import Ingestor, IngestSummary, iter_files

PROGRESS_THRESHOLD = 20


def _is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


@cli.command("ingest")
@click.argument("targets", nargs=-1)
@click.option(
    "--feed",
    "feeds",
    multiple=True,
    metavar="URL",
    help="An RSS/Atom feed: every entry's article is ingested.",
)
@click.option(
    "--timeout", default=DEFAULT_TIMEOUT, show_default=True, help="Seconds to wait for a web server."
)
@click.pass_context
def ingest(ctx: click.Context, targets: tuple[str, ...], feeds: tuple[str, ...], timeout: float) -> None:
    """Ingest article files, directories (Markdown, text, HTML), http(s) article URLs and --feed URLs."""
    if not targets and not feeds:
        raise click.UsageError("give at least one file, directory, URL or --feed URL")
    settings = settings_of(ctx)
    db = open_database(settings)
    prepare_store(db, seed=settings.seed_on_start)
    extractor = default_extractor(settings)
    max_bytes = settings.max_article_bytes
    ingestor = Ingestor(db, extractor, max_bytes)
    urls = [t for t in targets if _is_url(t)]
    files = list(iter_files(Path(t) for t in targets if not _is_url(t)))
    summary = IngestSummary()
    err = Console(stderr=True)
    if len(files) >= PROGRESS_THRESHOLD and sys.stderr.isatty():
        with Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), console=err) as progress:
            task = progress.add_task("ingest", total=len(files))
            for path in files:
                summary.results.append(ingestor.ingest_file(path))
                progress.advance(task)
    else:
        summary.results.extend(ingestor.ingest_file(path) for path in files)
    summary.results.extend(ingest_url(db, url, extractor, max_bytes, timeout) for url in urls)
    for feed in feeds:
        summary.results.extend(ingest_feed(db, feed, extractor, max_bytes, timeout))
    for result in summary.results:
        if result.outcome == "rejected":
            click.echo(f"rejected  {result.origin}: {result.reason}")
        elif result.outcome == "unchanged":
            click.echo(f"unchanged {result.origin} ({result.reason})")
        else:
            click.echo(
                f"new       {result.origin}: {result.claims_added} new claims, {result.evidence_added} evidence"
            )
    click.echo(
        f"{summary.count('new')} new, {summary.count('unchanged')} unchanged, {summary.count('rejected')} rejected; "
        f"{summary.claims_added} claims added"
    )
    if summary.count("rejected"):
        sys.exit(1)


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "starter"]), default="jsonl", show_default=True)
@click.option("--all", "include_inactive", is_flag=True, help="Include retracted and overridden claims.")
@click.pass_context
def export(ctx: click.Context, fmt: str, include_inactive: bool) -> None:
    """Write the claims to standard output."""
    db = open_database(settings_of(ctx))
    with db.session() as session:
        if fmt == "starter":
            click.echo(
                yaml.safe_dump(starter_document(session), allow_unicode=True, sort_keys=False), nl=False
            )
            return
        for line in to_jsonl(export_claims(session, include_inactive)):
            click.echo(line)


@cli.group("db")
def db_group() -> None:
    """Database maintenance."""


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply the schema migrations."""
    db = open_database(settings_of(ctx))
    click.echo(f"database at head: {db.dialect}")


@cli.command("eval")
@click.argument("key", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--details", is_flag=True, help="List missed facts and false positives.")
@click.pass_context
def eval_command(ctx: click.Context, key: Path, details: bool) -> None:
    """Score extraction against a labelled key: precision and recall per property."""
    from knowledge.evaluate import evaluate

    report = evaluate(key, default_extractor(settings_of(ctx)))
    click.echo(f"{report.articles} articles\n")
    click.echo(report.table())
    if details:
        click.echo("\nMissed:")
        click.echo("\n".join(f"  - {m}" for m in report.misses) or "  (none)")
        click.echo("\nFalse positives:")
        click.echo("\n".join(f"  - {m}" for m in report.false_positives) or "  (none)")
