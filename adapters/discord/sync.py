"""Command sync only when the tree changed: Discord allows 200 command creates per day per guild."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord.state import read_value, tree_hash_key, write_value
from knowledge.db import Database

log = logging.getLogger("evbot.discord.sync")


def tree_payload(tree: app_commands.CommandTree[Any], guild_id: int | None = None) -> list[dict[str, Any]]:
    """The JSON Discord would receive for the global commands (or one guild's)."""
    guild = discord.Object(id=guild_id) if guild_id is not None else None
    return [command.to_dict(tree) for command in tree.get_commands(guild=guild)]


def tree_hash(
    tree: app_commands.CommandTree[Any], application_id: int | None, guild_id: int | None = None
) -> str:
    material = {"application": application_id, "commands": tree_payload(tree, guild_id)}
    return hashlib.sha256(
        json.dumps(material, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


async def sync_commands(
    tree: app_commands.CommandTree[Any], db: Database, guild_id: int | None = None, force: bool = False
) -> bool:
    """Sync the tree (globally, or copied to one guild) unless the stored hash says it is current.

    Returns whether commands were sent to Discord. The client must be logged in.
    """
    guild = discord.Object(id=guild_id) if guild_id is not None else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    digest = tree_hash(tree, tree.client.application_id, guild_id)
    key = tree_hash_key(guild_id)
    stored = await asyncio.to_thread(read_value, db, key)
    if stored == digest and not force:
        log.info("command tree unchanged (%s); not syncing", key)
        return False
    synced = await tree.sync(guild=guild)
    await asyncio.to_thread(write_value, db, key, digest)
    log.info("synced %d command(s) %s", len(synced), f"to guild {guild_id}" if guild_id else "globally")
    return True
