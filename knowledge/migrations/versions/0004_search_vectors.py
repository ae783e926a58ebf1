"""PostgreSQL: stored tsvector columns for search

0002 indexed ``to_tsvector('english', ...)`` expressions. Those work through the index, but the
planner likes to walk the newest rows by primary key instead (the search ranks the newest
matches), computing ``to_tsvector`` for every row it passes, and ``ts_rank`` computed it again:
200 ms for a rare word at 100,000 articles. A stored generated column is computed once per
write, the walk only tests it, and the GIN index moves onto it. SQLite (FTS5) is unchanged.

The claim text expression must stay identical to ``knowledge/search.py``.

Revision ID: 0004_search_vectors
Revises: 0003_slack_install
"""

from __future__ import annotations

from alembic import op

revision = "0004_search_vectors"
down_revision = "0003_slack_install"
branch_labels = None
depends_on = None

PG_CLAIM_TEXT = (
    "replace(subject_id, '-', ' ') || ' ' || replace(property, '_', ' ') || ' ' || "
    "coalesce(value_text, '') || ' ' || coalesce(value_unit, '') || ' ' || coalesce(value_date, '')"
)

UP = [
    "ALTER TABLE development ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', sentence)) STORED",
    "CREATE INDEX ix_development_search_vector ON development USING gin (search_vector)",
    "DROP INDEX IF EXISTS ix_development_search",
    f"ALTER TABLE claim ADD COLUMN search_vector tsvector "
    f"GENERATED ALWAYS AS (to_tsvector('english', {PG_CLAIM_TEXT})) STORED",
    "CREATE INDEX ix_claim_search_vector ON claim USING gin (search_vector)",
    "DROP INDEX IF EXISTS ix_claim_search",
]
DOWN = [
    "CREATE INDEX ix_development_search ON development USING gin (to_tsvector('english', sentence))",
    f"CREATE INDEX ix_claim_search ON claim USING gin (to_tsvector('english', {PG_CLAIM_TEXT}))",
    "ALTER TABLE development DROP COLUMN search_vector",
    "ALTER TABLE claim DROP COLUMN search_vector",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWN:
            op.execute(statement)
