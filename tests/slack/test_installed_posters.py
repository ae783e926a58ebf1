"""Digests in several workspaces go out as each workspace's own installed bot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from adapters.posters import build_posters
from adapters.slack.poster import InstalledSlackPosters
from bot.posting import ChannelUnavailable, poster_for_workspace
from bot.reply import Reply
from knowledge.db import Database
from tests.slack.fakes import CHANNEL, FakeSlack
from tests.support import make_settings


def install(db: Database, team_id: str, token: str) -> None:
    store = SQLAlchemyInstallationStore(client_id="cid", engine=db.engine)  # tables: migration 0003
    store.save_bot(Bot(app_id="A1", enterprise_id=None, team_id=team_id, bot_token=token, bot_id="B1",
                       bot_user_id="U1", installed_at=datetime.now(UTC).timestamp()))  # fmt: skip


async def test_each_workspace_posts_with_its_own_token(
    sqlite_db: Database, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, slack_client_id="cid", slack_client_secret="secret",
                             slack_api_url=fake_slack.api_url)  # fmt: skip
    posters = build_posters(settings, sqlite_db)
    assert isinstance(posters["slack"], InstalledSlackPosters)
    install(sqlite_db, "T1", "xoxb-team-one")
    install(sqlite_db, "T2", "xoxb-team-two")
    for team in ("T1", "T2"):
        poster = await poster_for_workspace(posters["slack"], team)
        await poster.post(CHANNEL, Reply(title=f"digest for {team}"), f"digest:slack:{CHANNEL}:{team}")
    auths = [call["_auth"] for call in fake_slack.calls["chat.postMessage"]]
    assert auths == ["Bearer xoxb-team-one", "Bearer xoxb-team-two"]
    with pytest.raises(ChannelUnavailable, match="not installed"):
        await poster_for_workspace(posters["slack"], "T9")
