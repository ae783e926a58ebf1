"""The Slack installation tables come from the store's migrations and match slack_sdk's own."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from knowledge.db import Database, upgrade
from tests.support import head_revision


def library_tables() -> list[sa.Table]:
    metadata = sa.MetaData()
    return [
        SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations"),
        SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots"),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states"),
    ]


def bot(team_id: str, token: str) -> Bot:
    return Bot(app_id="A1", enterprise_id=None, team_id=team_id, bot_token=token, bot_id="B1",
               bot_user_id="U1", installed_at=datetime.now(UTC).timestamp())  # fmt: skip


def shape(column_type: sa.types.TypeEngine[object]) -> tuple[str, int | None]:
    """A type's family and length, as both SQLite and PostgreSQL report them back."""
    for family in (sa.Boolean, sa.DateTime, sa.Integer, sa.String):
        if isinstance(column_type, family):
            return family.__name__, getattr(column_type, "length", None)
    return type(column_type).__name__, None


def test_migrated_tables_match_the_installed_slack_sdk(db: Database) -> None:
    inspector = sa.inspect(db.engine)
    for table in library_tables():
        reflected = inspector.get_columns(table.name)
        assert [c["name"] for c in reflected] == [c.name for c in table.columns], table.name
        for column, mine in zip(table.columns, reflected, strict=True):
            assert shape(mine["type"]) == shape(column.type), (table.name, column.name)
            assert bool(mine["nullable"]) == bool(column.nullable and not column.primary_key), (
                table.name,
                column.name,
            )
        indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes(table.name)}
        for index in table.indexes:
            assert indexes.get(index.name) == [c.name for c in index.columns]


def test_the_stores_work_on_the_migrated_tables(db: Database) -> None:
    installations = SQLAlchemyInstallationStore(client_id="cid", engine=db.engine)
    installations.save_bot(bot("T1", "xoxb-1"))
    found = installations.find_bot(enterprise_id=None, team_id="T1")
    assert found is not None and found.bot_token == "xoxb-1"
    states = SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=db.engine)
    assert states.consume(states.issue())


def test_tables_slack_sdk_created_before_the_migration_are_adopted(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(db.engine, "0002_search")  # a store from before 0003, with OAuth already in use
        old = SQLAlchemyInstallationStore(client_id="cid", engine=db.engine)
        old.create_tables()
        SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=db.engine).create_tables()
        old.save_bot(bot("T1", "xoxb-kept"))
        db.upgrade()
        found = old.find_bot(enterprise_id=None, team_id="T1")
        assert found is not None and found.bot_token == "xoxb-kept"
        with db.engine.connect() as conn:
            assert (
                conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
            )
    finally:
        db.dispose()
