"""The must-show scenario through the real ``evbot`` command line, on a fresh data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

EVBOT = Path(sys.executable).parent / "evbot"


def evbot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVBOT_")}
    env.update(EVBOT_DATA_DIR=str(tmp_path / "data"), EVBOT_ADMINS="console:local:alice")
    return subprocess.run(
        [str(EVBOT), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def table_row(output: str, label: str) -> str:
    """The lines of one row of a plain-text comparison table (its label line, then indented lines)."""
    lines = output.splitlines()
    start = lines.index(label)
    block = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        block.append(line)
    return "\n".join(block)


def test_set_compare_undo_history(tmp_path: Path) -> None:
    refused = evbot(tmp_path, "ask", "--user", "bob", "--yes", '/ev fact set xpeng ceo "Jane Doe"')
    assert refused.returncode != 0
    assert "admin" in refused.stdout and "console:local:bob" in refused.stdout

    done = evbot(tmp_path, "ask", "--user", "alice", "--yes", '/ev fact set xpeng ceo "Jane Doe"')
    assert done.returncode == 0, done.stdout + done.stderr
    today = datetime.now(UTC).date().isoformat()

    compared = evbot(tmp_path, "ask", "/ev compare xpeng li-auto")
    assert compared.returncode == 0
    ceo = table_row(compared.stdout, "CEO")
    assert "Jane Doe" in ceo and "He Xiaopeng" not in ceo
    jane_line = next(line for line in ceo.splitlines() if "Jane Doe" in line)
    number = jane_line.split("Jane Doe", 1)[1].strip().split("]")[0] + "]"
    assert f"{number} set by console:local:alice on {today}" in compared.stdout

    undone = evbot(tmp_path, "ask", "--user", "alice", "/ev fact undo")
    assert undone.returncode == 0, undone.stdout
    again = evbot(tmp_path, "ask", "/ev compare xpeng li-auto")
    ceo = table_row(again.stdout, "CEO")
    assert "He Xiaopeng" in ceo and "Jane Doe" not in again.stdout

    history = evbot(tmp_path, "ask", "/ev fact history xpeng")
    assert history.returncode == 0
    lines = history.stdout
    assert "set claim" in lines and "override claim" in lines and "undo claim" in lines
    assert lines.count("console:local:alice") >= 4  # set, override, and the undo of both
    assert "Jane Doe" in lines and "He Xiaopeng" in lines
