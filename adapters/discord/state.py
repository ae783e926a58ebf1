"""Small Discord state in the ``kv`` table: the synced command-tree hash and the buttons' commands."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from adapters.discord.render import action_key
from bot.reply import Reply
from knowledge.db import Database
from knowledge.schema import KeyValue

ACTION_KEY_PREFIX = "discord:action:"
TREE_HASH_KEY = "discord:command_tree_hash"


def tree_hash_key(guild_id: int | None) -> str:
    return f"{TREE_HASH_KEY}:{guild_id}" if guild_id is not None else TREE_HASH_KEY


def read_value(db: Database, key: str) -> str | None:
    with db.session() as session:
        row = session.get(KeyValue, key)
        return row.value if row is not None else None


def write_value(db: Database, key: str, value: str) -> None:
    for attempt in range(2):
        try:
            with db.transaction() as session:
                row = session.get(KeyValue, key)
                now = datetime.now(UTC)
                if row is None:
                    session.add(KeyValue(key=key, value=value, updated_at=now))
                else:
                    row.value = value
                    row.updated_at = now
            return
        except IntegrityError:  # another replica inserted the key first: update it instead
            if attempt:
                raise


def remember_actions(db: Database, reply: Reply) -> None:
    """Store each button's command under the key its ``custom_id`` carries (any replica can run it)."""
    for action in reply.actions:
        key = ACTION_KEY_PREFIX + action_key(action.command)
        if read_value(db, key) != action.command:
            write_value(db, key, action.command)


def action_command(db: Database, key: str) -> str | None:
    return read_value(db, ACTION_KEY_PREFIX + key)
