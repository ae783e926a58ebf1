"""Multi-workspace installs: OAuth settings whose installation and state stores live in evbot's database.

slack_sdk's ``AsyncSQLAlchemyInstallationStore`` needs SQLAlchemy's asyncio extension, which needs
``greenlet`` and an async driver (``aiosqlite`` or an async psycopg URL). Those are not among
evbot's dependencies, so this module wraps the sync ``SQLAlchemyInstallationStore`` and
``SQLAlchemyOAuthStateStore`` on the bot's own engine: each call runs in a worker thread
(``asyncio.to_thread``), so the event loop never blocks on the database. Installs and token
lookups are rare (one lookup per request at most, cached by bolt's authorize step only for
the request), so the thread hop costs nothing that matters.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.settings import Settings

log = logging.getLogger("evbot.slack.oauth")

BOT_SCOPES = [
    "commands",
    "chat:write",
    "chat:write.public",
    "files:write",
    "channels:history",
    "groups:history",
    "users:read",
]
STATE_EXPIRY_SECONDS = 600


class ThreadedInstallationStore(AsyncInstallationStore):
    """The sync SQLAlchemy installation store behind the async interface bolt's ``AsyncApp`` needs."""

    def __init__(self, store: SQLAlchemyInstallationStore) -> None:
        self.store = store

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await asyncio.to_thread(self.store.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        await asyncio.to_thread(self.store.save_bot, bot)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        return await asyncio.to_thread(
            self.store.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return await asyncio.to_thread(
            self.store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await asyncio.to_thread(self.store.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await asyncio.to_thread(
            self.store.delete_installation, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)


class ThreadedStateStore(AsyncOAuthStateStore):
    """The sync SQLAlchemy OAuth state store behind the async interface."""

    def __init__(self, store: SQLAlchemyOAuthStateStore) -> None:
        self.store = store

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await asyncio.to_thread(self.store.issue, *args, **kwargs)

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self.store.consume, state)


def oauth_enabled(settings: Settings) -> bool:
    return bool(settings.slack_client_id and settings.slack_client_secret)


def oauth_settings(settings: Settings, engine: Engine) -> AsyncOAuthSettings:
    """OAuth settings for ``/slack/install`` and ``/slack/oauth_redirect``, storing into ``engine``.

    The ``slack_installations``, ``slack_bots`` and ``slack_oauth_states`` tables come from the
    store's migrations (``0003_slack_install``), like evbot's own tables.
    """
    if not settings.slack_client_id or settings.slack_client_secret is None:
        raise ValueError("SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are both needed for installs")
    installations = SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine, logger=log)
    states = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRY_SECONDS, engine=engine, logger=log)
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=BOT_SCOPES,
        installation_store=ThreadedInstallationStore(installations),
        state_store=ThreadedStateStore(states),
    )
