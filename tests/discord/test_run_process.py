"""The must-show as a user runs it: the real ``evbot run`` process with DISCORD_TOKEN and the
endpoints pointed at a local fake Discord answers an ``/ev compare`` interaction with a cited
embed (through the gateway lease, as every deployment does)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.discord.fake import FakeDiscord, slash
from tests.support import evbot_env, stop_process

EVBOT = Path(sys.executable).parent / "evbot"


async def test_evbot_run_answers_compare_with_a_cited_embed(fake: FakeDiscord, tmp_path: Path) -> None:
    env = evbot_env(
        tmp_path,
        DISCORD_TOKEN="test-token",
        EVBOT_DISCORD_API_URL=fake.api_url,
        EVBOT_DISCORD_GATEWAY_URL=fake.gateway_url,
    )
    process = subprocess.Popen([str(EVBOT), "run"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        await fake.wait_identified(timeout=60)
        event = slash(["compare"], {"company1": "xpeng", "company2": "li-auto"})
        await fake.dispatch("INTERACTION_CREATE", event)
        followups = await fake.wait_for("POST", rf"^/webhooks/\d+/{event['token']}$", timeout=30)
        embed = followups[0].json["embeds"][0]
        fields = {f["name"]: f["value"] for f in embed["fields"]}
        assert embed["title"] == "Compare: Xpeng vs Li Auto"
        assert "He Xiaopeng [1]" in fields["Xpeng"] and "Li Xiang [1]" in fields["Li Auto"]
        assert "](<https://kr-asia.com/" in fields["Sources"]
        assert followups[0].json["allowed_mentions"] == {"parse": []}
    finally:
        stop_process(process)
