"""Multi-workspace installs: ``/slack/install`` and ``/slack/oauth_redirect`` with stores in evbot's database."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest
from sqlalchemy import text

from adapters.slack.runtime import SlackRuntime
from bot.core import Core
from tests.slack.fakes import SECRET, FakeSlack, running, sign, slash_body
from tests.support import make_settings


@pytest.fixture
async def oauth_runtime(core: Core, fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[SlackRuntime]:
    settings = make_settings(
        tmp_path,
        slack_signing_secret=SECRET,
        slack_client_id="111.222",
        slack_client_secret="client-secret",
        slack_host="127.0.0.1",
        slack_port=0,
        slack_api_url=fake_slack.api_url,
    )
    async with running(core, settings) as started:
        yield started


async def test_install_flow_stores_the_workspace_and_serves_it(
    oauth_runtime: SlackRuntime, fake_slack: FakeSlack, core: Core
) -> None:
    base = f"http://127.0.0.1:{oauth_runtime.port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(f"{base}/slack/install", allow_redirects=False) as response:
            assert response.status == 200
            page = await response.text()
            cookie = response.cookies["slack-app-oauth-state"]
            assert cookie["secure"] and cookie["httponly"]
        match = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page)
        assert match, page
        query = parse_qs(urlparse(match.group(1).replace("&amp;", "&")).query)
        assert query["client_id"] == ["111.222"]
        assert "chat:write" in query["scope"][0] and "commands" in query["scope"][0]
        state = query["state"][0]
        with core.db.session() as session:
            assert session.execute(text("select count(*) from slack_oauth_states")).scalar() == 1

        # The state cookie is Secure (https only); a browser behind TLS would send it back like this.
        redirect = f"{base}/slack/oauth_redirect"
        headers = {"Cookie": f"slack-app-oauth-state={cookie.value}"}
        async with http.get(redirect, params={"code": "c0de", "state": state}, headers=headers) as response:
            assert response.status == 200, await response.text()
        assert fake_slack.calls["oauth.v2.access"][0]["code"] == "c0de"
        with core.db.session() as session:
            teams = session.execute(text("select team_id, bot_token from slack_bots")).all()
        assert [tuple(row) for row in teams] == [("T0OTHER", "xoxb-installed-token")]

        # A command from the newly installed workspace is authorised with its stored token.
        body = slash_body("compare xpeng li-auto", fake_slack.hook_url(), team="T0OTHER")
        async with http.post(f"{base}/slack/events", data=body, headers=sign(SECRET, body)) as response:
            assert response.status == 200
            payload = await response.json()
        assert any(b["type"] == "table" for b in payload["blocks"])

        # An unknown workspace is not served.
        body = slash_body("compare xpeng li-auto", fake_slack.hook_url(), team="T0NOBODY")
        async with http.post(f"{base}/slack/events", data=body, headers=sign(SECRET, body)) as response:
            assert "table" not in await response.text()


async def test_redirect_with_a_forged_state_is_refused(
    oauth_runtime: SlackRuntime, fake_slack: FakeSlack
) -> None:
    base = f"http://127.0.0.1:{oauth_runtime.port}"
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{base}/slack/oauth_redirect", params={"code": "c0de", "state": "forged"}) as response,
    ):
        assert response.status >= 400
    assert "oauth.v2.access" not in fake_slack.calls
