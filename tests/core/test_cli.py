"""The ``evbot`` command line as a user runs it: exit codes, masked settings, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.cli import cli


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EVBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("EVBOT_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_ask_answers_from_the_bundled_knowledge_on_a_fresh_store(run) -> None:  # type: ignore[no-untyped-def]
    result = run("ask", "/ev compare xpeng li-auto")
    assert result.exit_code == 0
    assert "Xpeng" in result.output and "Li Auto" in result.output
    assert "Sources" in result.output and "https://" in result.output


def test_usage_errors_exit_non_zero(run) -> None:  # type: ignore[no-untyped-def]
    result = run("ask", "/ev compare xpeng")
    assert result.exit_code == 2
    assert "Usage" in result.output


def test_unknown_company_exits_non_zero_with_a_suggestion(run) -> None:  # type: ignore[no-untyped-def]
    result = run("ask", "/ev compare xpeng tesl")
    assert result.exit_code == 3
    assert "Tesla" in result.output


def test_json_render_is_the_reply_model(run) -> None:  # type: ignore[no-untyped-def]
    result = run("ask", "--render", "json", "/ev brief nio")
    data = json.loads(result.output)
    assert data["title"] == "Brief: Nio"
    assert data["citations"]


def test_config_masks_secrets(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret-token")
    monkeypatch.setenv("EVBOT_DATABASE_URL", "postgresql+psycopg://bot:hunter2@db.internal/evbot")
    result = run("config")
    assert result.exit_code == 0
    assert "xoxb-very-secret-token" not in result.output
    assert "hunter2" not in result.output
    assert "slack_bot_token = •••••• (set)" in result.output


def test_export_writes_one_claim_per_line_with_sources(run) -> None:  # type: ignore[no-untyped-def]
    run("db", "upgrade")
    run("ask", "/ev help")  # first run seeds the starter facts
    result = run("export", "--format", "jsonl")
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows
    for row in rows:
        assert {
            "subject",
            "subject_name",
            "property",
            "value",
            "unit",
            "as_of",
            "status",
            "confidence",
            "sources",
        } <= set(row)
        assert row["sources"] and row["sources"][0]["url"].startswith("https://")
