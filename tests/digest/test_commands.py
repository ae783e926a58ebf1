"""/ev subscribe, unsubscribe, subscriptions and digest: parsing, validation, permissions, previews."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.context import CommandRequest
from bot.core import Core
from bot.policy import CHANNEL_MANAGER, PLATFORM_ADMIN
from bot.reply import Reply
from bot.settings import Settings
from knowledge.db import Database
from knowledge.schema import Audit, Subscription
from tests.digest.helpers import article, at, development
from tests.support import make_core, make_settings

MANAGER = frozenset({CHANNEL_MANAGER})


@pytest.fixture
def core(sqlite_db: Database, tmp_path: Path) -> Core:
    settings: Settings = make_settings(tmp_path, default_tz="Europe/Berlin")
    core = make_core(sqlite_db, settings, seed=False)
    core.clock = lambda: at("2026-05-02 12:00")
    return core


def ask(core: Core, text: str, channel: str | None = "C1", roles: frozenset[str] = MANAGER,
        principal: str = "slack:T1:U1") -> Reply:  # fmt: skip
    return core.handle(CommandRequest(text=text, principal=principal, platform="slack", workspace="T1",
                                      channel=channel, roles=roles))  # fmt: skip


def subscription(core: Core, channel: str = "C1") -> Subscription | None:
    with core.db.session() as session:
        return session.scalars(select(Subscription).where(Subscription.channel == channel)).first()


def test_subscribe_with_defaults_then_update(core: Core) -> None:
    reply = ask(core, "/ev subscribe")
    assert reply.kind == "answer", reply.fallback_text()
    sub = subscription(core)
    assert sub is not None and sub.companies == [] and sub.at_time == "09:00" and sub.tz == "Europe/Berlin"
    assert sub.quiet_mode == "post" and sub.platform == "slack" and sub.workspace == "T1"
    assert "every tracked company" in reply.fallback_text() and "Next digest" in reply.fallback_text()
    reply = ask(core, "/ev subscribe xpeng Nio smart-driving at 8:30 tz Asia/Shanghai quiet skip")
    sub = subscription(core)
    assert sub is not None and sub.companies == ["xpeng", "nio"] and sub.topics == ["smart_driving"]
    assert (sub.at_time, sub.tz, sub.quiet_mode) == ("08:30", "Asia/Shanghai", "skip")
    assert "Xpeng" in reply.fallback_text()
    ask(core, "/ev subscribe at 07:00")  # only the time changes
    sub = subscription(core)
    assert sub is not None and sub.companies == ["xpeng", "nio"] and sub.at_time == "07:00"
    with core.db.session() as session:
        actions = [
            a.action for a in session.scalars(select(Audit).where(Audit.target_type == "subscription"))
        ]
    assert actions == ["subscribe", "update", "update"]


@pytest.mark.parametrize(
    "text,message",
    [
        ("/ev subscribe at 25:00", "not a time of day"),
        ("/ev subscribe tz Mars/Base", "not a time zone"),
        ("/ev subscribe quiet loud", "post or skip"),
        ("/ev subscribe at", "needs a value"),
    ],
)
def test_bad_options_are_usage_errors(core: Core, text: str, message: str) -> None:
    reply = ask(core, text)
    assert reply.kind == "usage" and message in reply.fallback_text()
    assert subscription(core) is None


def test_unknown_company_suggests(core: Core) -> None:
    reply = ask(core, "/ev subscribe xpneg")
    assert reply.kind == "not_found" and "Xpeng" in reply.fallback_text()


def test_commands_need_a_channel(core: Core) -> None:
    for text in ("/ev subscribe", "/ev unsubscribe", "/ev digest"):
        reply = ask(core, text, channel=None)
        assert reply.kind == "usage" and "needs a channel" in reply.fallback_text()


def test_only_admins_and_channel_managers(core: Core) -> None:
    refused = ask(core, "/ev subscribe", roles=frozenset())
    assert refused.kind == "refused" and subscription(core) is None
    assert ask(core, "/ev subscribe", roles=frozenset({PLATFORM_ADMIN})).kind == "answer"
    assert ask(core, "/ev unsubscribe", roles=frozenset()).kind == "refused"
    assert ask(core, "/ev subscriptions", roles=frozenset()).kind == "refused"
    assert subscription(core) is not None


def test_list_and_unsubscribe(core: Core) -> None:
    ask(core, "/ev subscribe xpeng", channel="C1")
    ask(core, "/ev subscribe nio at 18:00", channel="C2")
    listing = ask(core, "/ev subscriptions", channel="C2")
    text = listing.fallback_text()
    assert "#C1" in text and "#C2 (this channel)" in text and "18:00" in text and listing.ephemeral
    assert "no longer" in ask(core, "/ev unsubscribe", channel="C1").fallback_text()
    assert subscription(core, "C1") is None and subscription(core, "C2") is not None
    assert ask(core, "/ev unsubscribe", channel="C1").kind == "info"


def test_digest_preview_is_ephemeral_and_full_is_unbounded(core: Core) -> None:
    with core.db.transaction() as s:
        for i in range(12):
            a = article(s, f"https://x.example/{i}", f"Outlet {i}", "2026-05-02", at("2026-05-02 06:00"))
            development(
                s, a, "xpeng", f"Xpeng item {i}: {'abcdefghijklmnop'[i] * 15}.", at("2026-05-02 06:00")
            )
    ask(core, "/ev subscribe xpeng at 18:00")
    preview = ask(core, "/ev digest", roles=frozenset())
    assert preview.ephemeral and preview.kind == "answer"
    assert "2 more — /ev digest full" in (preview.footer or "") and "Preview of the digest due" in (
        preview.footer or ""
    )
    full = ask(core, "/ev digest full", roles=frozenset())
    assert sum(len(s.bullets) for s in full.sections) == 12
    assert ask(core, "/ev digest everything").kind == "usage"
    unsubscribed = ask(core, "/ev digest", channel="C9")
    assert "not subscribed" in (unsubscribed.footer or "")
