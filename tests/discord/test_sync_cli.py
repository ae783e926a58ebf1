"""``evbot discord sync``: PUTs the commands once, not again while the tree is unchanged."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.cli import cli
from tests.discord.fake import APP_ID, ThreadedFake


def test_discord_sync_puts_once_per_scope(tmp_path: Path) -> None:
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    try:
        with ThreadedFake() as fake:
            env = {
                "DISCORD_TOKEN": "test-token",
                "EVBOT_DISCORD_API_URL": f"http://127.0.0.1:{fake.port}",  # /api/v10 is added
                "EVBOT_DISCORD_GATEWAY_URL": fake.gateway_url,
                "EVBOT_DATA_DIR": str(tmp_path),
                "EVBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'evbot.db'}",
                "EVBOT_SEED": "false",
            }
            runner = CliRunner()
            first = runner.invoke(cli, ["discord", "sync"], env=env, catch_exceptions=False)
            assert first.exit_code == 0, first.output
            assert "synced" in first.output
            second = runner.invoke(cli, ["discord", "sync"], env=env, catch_exceptions=False)
            assert "already up to date" in second.output
            assert len(fake.find("PUT", rf"^/applications/{APP_ID}/commands$")) == 1

            guild = runner.invoke(cli, ["discord", "sync", "--guild", "42"], env=env, catch_exceptions=False)
            assert "synced the /ev commands to guild 42" in guild.output
            runner.invoke(cli, ["discord", "sync", "--guild", "42"], env=env, catch_exceptions=False)
            assert len(fake.find("PUT", rf"^/applications/{APP_ID}/guilds/42/commands$")) == 1

            forced = runner.invoke(cli, ["discord", "sync", "--force"], env=env, catch_exceptions=False)
            assert "synced" in forced.output
            assert len(fake.find("PUT", rf"^/applications/{APP_ID}/commands$")) == 2
            assert fake.identifies == []  # REST only, no gateway session
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


def test_discord_sync_needs_a_token(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["discord", "sync"], env={"DISCORD_TOKEN": None, "EVBOT_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code == 2
    assert "DISCORD_TOKEN" in result.output
