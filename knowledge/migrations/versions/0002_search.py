"""full-text search over developments and claims

SQLite: FTS5 tables ``development_fts`` and ``claim_fts`` (rowid = the row's id), kept in step
by triggers so every insert lands in the index in the same transaction.
PostgreSQL: GIN expression indexes on ``to_tsvector('english', ...)``; nothing to keep in step.

The claim text expressions must stay identical to ``knowledge/search.py``.

Revision ID: 0002_search
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002_search"
down_revision = "0001"
branch_labels = None
depends_on = None

# what a claim says, as searchable text (subject, property words, value, unit, qualifiers)
SQLITE_CLAIM_TEXT = (
    "coalesce((SELECT name_en FROM entity WHERE entity.id = {row}.subject_id), '') || ' ' || "
    "replace({row}.subject_id, '-', ' ') || ' ' || replace({row}.property, '_', ' ') || ' ' || "
    "coalesce({row}.value_text, '') || ' ' || "
    "coalesce(CAST(CAST({row}.value_num AS INTEGER) AS TEXT), '') || ' ' || coalesce({row}.value_unit, '') || ' ' || "
    "coalesce({row}.value_date, '') || ' ' || coalesce({row}.qualifiers, '')"
)
PG_CLAIM_TEXT = (
    "replace(subject_id, '-', ' ') || ' ' || replace(property, '_', ' ') || ' ' || "
    "coalesce(value_text, '') || ' ' || coalesce(value_unit, '') || ' ' || coalesce(value_date, '')"
)

SQLITE_UP = [
    "CREATE VIRTUAL TABLE development_fts USING fts5(sentence, tokenize='porter unicode61')",
    "CREATE VIRTUAL TABLE claim_fts USING fts5(text, tokenize='porter unicode61')",
    """CREATE TRIGGER development_fts_ai AFTER INSERT ON development BEGIN
        INSERT INTO development_fts(rowid, sentence) VALUES (new.id, new.sentence); END""",
    """CREATE TRIGGER development_fts_ad AFTER DELETE ON development BEGIN
        DELETE FROM development_fts WHERE rowid = old.id; END""",
    """CREATE TRIGGER development_fts_au AFTER UPDATE OF sentence ON development BEGIN
        DELETE FROM development_fts WHERE rowid = old.id;
        INSERT INTO development_fts(rowid, sentence) VALUES (new.id, new.sentence); END""",
    f"""CREATE TRIGGER claim_fts_ai AFTER INSERT ON claim BEGIN
        INSERT INTO claim_fts(rowid, text) VALUES (new.id, {SQLITE_CLAIM_TEXT.format(row="new")}); END""",
    """CREATE TRIGGER claim_fts_ad AFTER DELETE ON claim BEGIN
        DELETE FROM claim_fts WHERE rowid = old.id; END""",
    f"""CREATE TRIGGER claim_fts_au AFTER UPDATE OF subject_id, property, value_text, value_num, value_unit,
        value_date, qualifiers ON claim BEGIN
        DELETE FROM claim_fts WHERE rowid = old.id;
        INSERT INTO claim_fts(rowid, text) VALUES (new.id, {SQLITE_CLAIM_TEXT.format(row="new")}); END""",
    "INSERT INTO development_fts(rowid, sentence) SELECT id, sentence FROM development",
    f"INSERT INTO claim_fts(rowid, text) SELECT claim.id, {SQLITE_CLAIM_TEXT.format(row='claim')} FROM claim",
]
SQLITE_DOWN = [
    *(
        f"DROP TRIGGER IF EXISTS {name}"
        for name in (
            "development_fts_ai",
            "development_fts_ad",
            "development_fts_au",
            "claim_fts_ai",
            "claim_fts_ad",
            "claim_fts_au",
        )
    ),
    "DROP TABLE IF EXISTS development_fts",
    "DROP TABLE IF EXISTS claim_fts",
]
PG_UP = [
    "CREATE INDEX ix_development_search ON development USING gin (to_tsvector('english', sentence))",
    f"CREATE INDEX ix_claim_search ON claim USING gin (to_tsvector('english', {PG_CLAIM_TEXT}))",
]
PG_DOWN = ["DROP INDEX IF EXISTS ix_development_search", "DROP INDEX IF EXISTS ix_claim_search"]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_UP)
    elif dialect == "postgresql":
        _run(PG_UP)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DOWN)
    elif dialect == "postgresql":
        _run(PG_DOWN)
