"""``to_block_kit``: Slack's limits always hold, and no stored or user text can mention or link."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.slack.render import escape, to_block_kit
from bot.core import Core
from bot.reply import Action, Citation, FieldRow, Item, Reply, Section, Table, TableRow

NASTY = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123>",
    "<#C123|general>",
    "<https://evil.example|click>",
    "&",
    "&amp;",
    "<",
    ">",
    "@channel",
    "@here",
    "*bold*",
    "`code`",
    "|",
    "\n",
    "ü",
    "🚗",
    "x" * 400,
]

text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=60),
    st.lists(st.sampled_from(NASTY), max_size=6).map("".join),
    st.integers(min_value=0, max_value=6000).map(lambda n: "ab<&>" * (n // 5)),
)
cites = st.lists(st.integers(min_value=1, max_value=300), max_size=4)
item = st.builds(
    Item,
    text=text,
    citations=cites,
    conflicts=st.lists(st.builds(Item, text=text, citations=cites), max_size=2),
)
items = st.lists(item, max_size=3)
section = st.builds(
    Section,
    title=st.none() | text,
    text=st.none() | text,
    fields=st.lists(st.builds(FieldRow, label=text, items=items), max_size=25),
    bullets=st.lists(item, max_size=30),
)


@st.composite
def tables(draw: st.DrawFn) -> Table:
    columns = draw(st.lists(text, min_size=0, max_size=25))
    rows = draw(
        st.lists(
            st.builds(TableRow, label=text, cells=st.lists(items, max_size=len(columns) + 1)), max_size=130
        )
    )
    return Table(columns=columns, rows=rows, corner=draw(text))


url = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "https://example.com/a?b=1&c=2",
            "http://x.test/path",
            "javascript:alert(1)",
            "https://e.com/|<!channel>",
            "https://e.com/>x",
            "https://e.com/ space",
            "ftp://x",
        ]
    ),
    st.text(max_size=40),
)
citation = st.builds(
    Citation,
    n=st.integers(min_value=1, max_value=999),
    publisher=st.none() | text,
    published=st.none() | text,
    url=url,
    title=st.none() | text,
    admin=st.none() | text,
    admin_on=st.none() | text,
)
replies = st.builds(
    Reply,
    kind=st.sampled_from(["answer", "usage", "not_found", "error", "refused", "confirm", "info"]),
    title=text,
    subtitle=st.none() | text,
    sections=st.lists(section, max_size=40),
    table=st.none() | tables(),
    citations=st.lists(citation, max_size=60),
    actions=st.lists(
        st.builds(Action, label=text, command=text, style=st.sampled_from(["primary", "danger", "default"])),
        max_size=30,
    ),
    footer=st.none() | text,
)

LINK = re.compile(r"<(https?://[^|<>\s]+)\|([^<>]*)>")


def texts(node: Any, out: list[tuple[str, str]], key: str = "") -> list[tuple[str, str]]:
    """Every string in the payload with the key it sits under."""
    if isinstance(node, dict):
        for k, v in node.items():
            texts(v, out, k)
    elif isinstance(node, list):
        for v in node:
            texts(v, out, key)
    elif isinstance(node, str):
        out.append((key, node))
    return out


def assert_within_limits(payload: dict[str, Any]) -> None:
    blocks = payload["blocks"]
    assert payload["text"] and len(payload["text"]) <= 3000
    assert 1 <= len(blocks) <= 50
    tables_seen = 0
    for block in blocks:
        kind = block["type"]
        if kind == "header":
            assert 0 < len(block["text"]["text"]) <= 150
            assert block["text"]["type"] == "plain_text"
        elif kind == "section":
            assert "text" in block or "fields" in block
            if "text" in block:
                assert 0 < len(block["text"]["text"]) <= 3000
            fields = block.get("fields", [])
            assert len(fields) <= 10
            assert all(0 < len(f["text"]) <= 2000 for f in fields)
        elif kind == "context":
            assert 1 <= len(block["elements"]) <= 10
            assert all(0 < len(e["text"]) <= 3000 for e in block["elements"])
        elif kind == "actions":
            assert 1 <= len(block["elements"]) <= 25
            for button in block["elements"]:
                assert 0 < len(button["text"]["text"]) <= 75
                assert len(button["value"]) <= 2000
                assert len(button["action_id"]) <= 255
            assert len({b["action_id"] for b in block["elements"]}) == len(block["elements"])
        elif kind == "table":
            tables_seen += 1
            rows = block["rows"]
            assert 1 <= len(rows) <= 100
            width = len(rows[0])
            assert 1 <= width <= 20
            assert len(block["column_settings"]) <= 20
            for row in rows:
                assert len(row) == width
                assert all(c["type"] == "raw_text" and c["text"] for c in row)
        else:
            raise AssertionError(f"unexpected block type {kind}")
    assert tables_seen <= 1


def assert_inert(payload: dict[str, Any]) -> None:
    for key, value in texts(payload, []):
        if key in ("type", "action_id", "style", "value"):
            continue  # our own identifiers; a button value is never shown or parsed as text
        stripped = LINK.sub("", value) if key == "text" else value
        assert "<" not in stripped and ">" not in stripped, value
        for word in ("@channel", "@here", "@everyone"):
            assert not re.search(re.escape(word) + r"\b", value, re.IGNORECASE), value
        for link in LINK.finditer(value):
            assert re.fullmatch(r"\[\d+\] .*", link.group(2), re.DOTALL), link.group(0)  # only citation links


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(replies)
def test_any_reply_renders_within_limits_and_inert(reply: Reply) -> None:
    payload = to_block_kit(reply)
    json.dumps(payload)
    assert_within_limits(payload)
    assert_inert(payload)


def test_escape() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert "@channel" not in escape("hi @channel")


def test_compare_reply(core: Core) -> None:
    from bot.context import CommandRequest

    reply = core.handle(CommandRequest(text="/ev compare xpeng li-auto"))
    payload = to_block_kit(reply)
    assert_within_limits(payload)
    kinds = [b["type"] for b in payload["blocks"]]
    assert kinds[0] == "header" and "table" in kinds
    sources = [e["text"] for b in payload["blocks"] if b["type"] == "context" for e in b["elements"]]
    start = sources.index("*Sources*")
    assert LINK.fullmatch(sources[start + 1])


def test_big_table_is_truncated_with_notes() -> None:
    columns = [f"Maker {i}" for i in range(30)]
    rows = [
        TableRow(label=f"P{r}", cells=[[Item(text=f"v{r}.{c}", citations=[1])] for c in range(30)])
        for r in range(150)
    ]
    payload = to_block_kit(Reply(title="Big", table=Table(columns=columns, rows=rows)))
    (table,) = [b for b in payload["blocks"] if b["type"] == "table"]
    assert len(table["rows"]) == 100 and len(table["rows"][0]) == 20
    assert table["rows"][0][-1]["text"] == "…and 12 more columns"
    assert table["rows"][-1][0]["text"] == "…and 52 more rows"


def test_many_sections_and_citations_are_truncated() -> None:
    reply = Reply(
        title="t" * 500,
        sections=[Section(title=f"S{i}", text="x") for i in range(80)],
        citations=[Citation(n=i, publisher="P", url=f"https://e.com/{i}") for i in range(1, 60)],
        actions=[Action(label=f"a{i}", command=f"/ev x {i}") for i in range(40)],
    )
    payload = to_block_kit(reply)
    assert_within_limits(payload)
    blocks = payload["blocks"]
    assert len(blocks) == 50
    notes = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert any(n.startswith("…and") and "blocks" in n for n in notes)
    assert any(n.startswith("…and") and "sources" in n for n in notes)
    assert blocks[0]["text"]["text"].endswith("…")


def test_unsafe_urls_are_not_linked() -> None:
    reply = Reply(
        title="t",
        citations=[
            Citation(n=1, publisher="A", url="javascript:alert(1)"),
            Citation(n=2, publisher="B", url="https://e.com/x|<!channel>"),
            Citation(n=3, publisher="C", url="https://e.com/?a=1&b=2"),
        ],
    )
    elements = [
        e["text"] for b in to_block_kit(reply)["blocks"] if b["type"] == "context" for e in b["elements"]
    ]
    assert elements[1] == "[1] A, date not given"
    assert elements[2] == "[2] B, date not given"
    assert elements[3] == "<https://e.com/?a=1&amp;b=2|[3] C, date not given>"


def test_buttons_carry_the_command() -> None:
    reply = Reply(
        kind="confirm",
        title="Confirm?",
        actions=[
            Action(label="Confirm", command="/ev confirm abc", style="primary"),
            Action(label="Cancel", command="/ev cancel abc"),
        ],
    )
    (actions,) = [b for b in to_block_kit(reply)["blocks"] if b["type"] == "actions"]
    assert [(b["value"], b.get("style")) for b in actions["elements"]] == [
        ("/ev confirm abc", "primary"),
        ("/ev cancel abc", None),
    ]
