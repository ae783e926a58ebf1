"""Schema upgrades: replicas that start together on PostgreSQL upgrade one at a time."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from knowledge.db import Database
from tests.support import POSTGRES_URL, head_revision, require_postgres

ROOT = Path(__file__).resolve().parents[2]
UPGRADE = "import sys; from knowledge.db import Database; Database(sys.argv[1], schema=sys.argv[2]).upgrade()"


@pytest.mark.postgres
def test_replicas_upgrading_an_empty_schema_at_once_all_succeed() -> None:
    """Three processes, as three replicas starting together, upgrade the same empty schema."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        replicas = [
            subprocess.Popen(
                [sys.executable, "-c", UPGRADE, POSTGRES_URL, schema],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        outcomes = [replica.communicate(timeout=120) for replica in replicas]
        assert [replica.returncode for replica in replicas] == [0, 0, 0], [err for _, err in outcomes]
        db = Database(POSTGRES_URL, schema=schema)
        try:
            with db.engine.connect() as conn:
                versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
                tables = conn.execute(
                    text("SELECT count(*) FROM information_schema.tables WHERE table_schema = :s"),
                    {"s": schema},
                ).scalar()
        finally:
            db.dispose()
        assert versions == [head_revision()]
        assert tables and tables > 10
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_the_models_and_the_migrations_describe_the_same_schema(db: Database) -> None:
    """Autogenerate against a fully upgraded store proposes nothing: no model change is missing
    a migration, and the objects kept outside the models are not proposed for dropping."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from knowledge.db import include_object
    from knowledge.schema import Base

    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(context, Base.metadata) == []
