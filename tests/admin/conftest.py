from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import Core
from knowledge.db import Database
from tests.admin.support import ADMIN
from tests.support import make_core, make_settings


@pytest.fixture
def admin_core(db: Database, tmp_path: Path) -> Core:
    """A core on SQLite and PostgreSQL with the starter facts and alice as a configured admin."""
    return make_core(db, make_settings(tmp_path, admins=ADMIN), seed=True)
