"""``to_discord``: Discord's limits hold for any reply, and stored text can never mention anyone."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord.render import (
    CONTENT_MAX,
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    EMBEDS_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    FOOTER_MAX,
    MAX_MESSAGES,
    TITLE_MAX,
    inert,
    payload_text,
    size,
    to_discord,
)
from bot.reply import Action, Citation, FieldRow, Item, Reply, Section, Table, TableRow

LIVE_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>")

# text that tries hard: mentions, markdown, links, long runs, astral characters
NASTY = st.sampled_from(
    [
        "@everyone",
        "@here",
        "<@123456789>",
        "<@&42>",
        "<@!7>",
        "**bold**",
        "`code`",
        "```",
        "[x](https://evil.example)",
        "> quote",
        "# head",
        "||spoiler||",
        "\\",
        "_",
        "蔚来",
        "😀",
        "https://a.example/(x)",
        "\n",
    ]
)
TEXT = st.lists(st.one_of(NASTY, st.text(max_size=40)), max_size=6).map("".join)
# long text, cheap to generate: a nasty piece repeated (up to several thousand characters)
LONG = st.one_of(TEXT, st.builds(lambda piece, n: (piece + " ") * n, NASTY, st.integers(50, 400)))


def items(max_size: int = 3) -> st.SearchStrategy[list[Item]]:
    leaf = st.builds(Item, text=LONG, citations=st.lists(st.integers(1, 40), max_size=3))
    return st.lists(
        st.builds(
            Item,
            text=TEXT,
            citations=st.lists(st.integers(1, 40), max_size=3),
            conflicts=st.lists(leaf, max_size=1),
        ),
        max_size=max_size,
    )


@st.composite
def tables(draw: st.DrawFn) -> Table:
    columns = draw(st.lists(TEXT, min_size=2, max_size=4))
    rows = draw(
        st.lists(
            st.builds(
                TableRow, label=TEXT, cells=st.lists(items(), min_size=len(columns), max_size=len(columns))
            ),
            max_size=12,
        )
    )
    return Table(columns=columns, rows=rows)


citations = st.lists(
    st.builds(
        Citation,
        n=st.integers(1, 99),
        publisher=st.one_of(st.none(), TEXT),
        published=st.one_of(st.none(), TEXT),
        url=st.one_of(st.none(), st.just("https://example.com/a_(b)"), TEXT),
        title=st.one_of(st.none(), LONG),
        admin=st.one_of(st.none(), TEXT),
    ),
    max_size=30,
)
sections = st.lists(
    st.builds(
        Section,
        title=st.one_of(st.none(), TEXT),
        text=st.one_of(st.none(), LONG),
        fields=st.lists(st.builds(FieldRow, label=TEXT, items=items()), max_size=8),
        bullets=items(max_size=10),
    ),
    max_size=4,
)
replies = st.builds(
    Reply,
    kind=st.sampled_from(["answer", "usage", "not_found", "error", "refused", "confirm", "info"]),
    title=LONG,
    subtitle=st.one_of(st.none(), LONG),
    sections=sections,
    table=st.one_of(st.none(), tables()),
    citations=citations,
    footer=st.one_of(st.none(), LONG),
    ephemeral=st.booleans(),
    actions=st.lists(st.builds(Action, label=TEXT, command=TEXT), max_size=30),
)


def check_limits(payload: dict[str, Any]) -> None:
    assert payload["allowed_mentions"] == {"parse": []}
    assert size(payload.get("content") or "") <= CONTENT_MAX
    embeds = payload["embeds"]
    assert 1 <= len(embeds) <= EMBEDS_MAX
    total = 0
    for embed in embeds:
        title, description = embed.get("title", ""), embed.get("description")
        footer = embed.get("footer", {}).get("text", "")
        assert size(title) <= TITLE_MAX
        assert description is None or 0 < size(description) <= DESCRIPTION_MAX
        assert size(footer) <= FOOTER_MAX
        fields = embed.get("fields", [])
        assert len(fields) <= FIELDS_MAX
        for item in fields:
            assert 0 < size(item["name"]) <= FIELD_NAME_MAX
            assert 0 < size(item["value"]) <= FIELD_VALUE_MAX
        total += size(title) + size(description or "") + size(footer)
        total += sum(size(f["name"]) + size(f["value"]) for f in fields)
        assert title or description or fields or footer  # never an empty embed
    assert total <= EMBED_TOTAL_MAX
    rows = payload.get("components", [])
    assert len(rows) <= 5
    for row in rows:
        assert 1 <= len(row["components"]) <= 5
        for button in row["components"]:
            assert 0 < size(button["label"]) <= 80
            assert len(button["custom_id"]) <= 100


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(replies)
def test_every_payload_is_within_discords_limits_and_mentions_nobody(reply: Reply) -> None:
    payloads = to_discord(reply)
    assert 1 <= len(payloads) <= MAX_MESSAGES
    for payload in payloads:
        check_limits(payload)
        assert not LIVE_MENTION.search(payload_text(payload))
        assert bool(payload.get("flags", 0) & 64) == reply.ephemeral
    assert all("components" not in p for p in payloads[:-1])


@given(TEXT)
def test_inert_text_cannot_mention(text: str) -> None:
    assert not LIVE_MENTION.search(inert(text))


def test_a_huge_reply_is_split_and_then_cut_with_a_count() -> None:
    bullets = [Item(text=f"development number {i} " + "x" * 300, citations=[1]) for i in range(400)]
    payloads = to_discord(Reply(title="Everything", sections=[Section(title="News", bullets=bullets)]))
    assert len(payloads) == MAX_MESSAGES
    last = payloads[-1]["embeds"][-1]
    note = last["fields"][-1]["value"] if last.get("fields") else last["description"]
    assert re.search(r"…and \d+ more", note)
    for payload in payloads:
        check_limits(payload)


def test_a_comparison_shows_one_inline_field_per_company_and_linked_sources() -> None:
    table = Table(
        columns=["Xpeng", "Li Auto"],
        rows=[
            TableRow(
                label="CEO",
                cells=[[Item(text="He Xiaopeng", citations=[1])], [Item(text="Li Xiang", citations=[2])]],
            ),
            TableRow(
                label="Deliveries",
                cells=[
                    [],
                    [Item(text="500,000", citations=[2], conflicts=[Item(text="480,000", citations=[1])])],
                ],
            ),
        ],
    )
    reply = Reply(
        title="Compare: Xpeng vs Li Auto",
        table=table,
        citations=[
            Citation(n=1, publisher="CnEVPost", published="2026-01-02", url="https://cnevpost.com/a"),
            Citation(n=2, admin="discord:1:2", admin_on="2026-01-03"),
        ],
    )
    [payload] = to_discord(reply)
    fields = payload["embeds"][0]["fields"]
    assert [(f["name"], f["inline"]) for f in fields[:2]] == [("Xpeng", True), ("Li Auto", True)]
    assert fields[0]["value"] == "**CEO**: He Xiaopeng [1]\n**Deliveries**: —"
    assert "500,000 [2] ⚠ conflict: 480,000 [1]" in fields[1]["value"]
    assert fields[2]["name"] == "Sources"
    assert fields[2]["value"] == (
        "[1] [CnEVPost, 2026-01-02](<https://cnevpost.com/a>)\n[2] set by discord:1:2 on 2026-01-03"
    )


def test_four_narrow_columns_become_a_code_block_table() -> None:
    cells = [[Item(text="x", citations=[1])] for _ in range(4)]
    reply = Reply(
        title="Compare", table=Table(columns=["A", "B", "C", "D"], rows=[TableRow(label="CEO", cells=cells)])
    )
    description = to_discord(reply)[0]["embeds"][0]["description"]
    assert description.startswith("```\nProperty | A")
    assert "x [1]" in description


def test_markdown_and_mentions_in_stored_text_are_inert() -> None:
    text = inert("**hi** @everyone <@123> [x](https://evil.example)")
    assert "\\*\\*hi\\*\\*" in text
    assert "@\u200beveryone" in text and "<@\u200b123>" in text
    assert "\\[x](https://evil.example)" in text


def test_buttons_carry_a_key_to_their_command() -> None:
    reply = Reply(
        title="Preview",
        actions=[
            Action(label="Confirm", command="fact confirm p-1", style="primary"),
            Action(label="Cancel", command="fact cancel p-1", style="danger"),
        ],
    )
    [payload] = to_discord(reply)
    buttons = payload["components"][0]["components"]
    assert [(b["label"], b["style"]) for b in buttons] == [("Confirm", 1), ("Cancel", 4)]
    assert buttons[0]["custom_id"] != buttons[1]["custom_id"]
