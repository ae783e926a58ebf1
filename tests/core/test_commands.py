"""The core's commands through ``Core.handle``: answers are cited, bad input gets a clear reply."""

from __future__ import annotations

import pytest

from adapters.console.chat import console_request
from bot.core import Core
from bot.grammar import UsageError, parse, quote_arg, tokenize


def ask(core: Core, text: str):  # type: ignore[no-untyped-def]
    return core.handle(console_request(text, "tester"))


def test_grammar_reads_quotes_prefixes_and_smart_quotes() -> None:
    assert parse("/ev compare xpeng li-auto").args == ["xpeng", "li-auto"]
    assert parse('compare "Li Auto" nio').args == ["Li Auto", "nio"]
    assert parse("/ev fact set xpeng ceo “Jane Doe”").args == ["set", "xpeng", "ceo", "Jane Doe"]
    assert parse("").name == "help"
    assert parse("/ev ask what's BYD’s October number?").args == ["what's", "BYD's", "October", "number?"]
    assert parse("/ev fact set xpeng ceo 'Jane Doe'").args[-1] == "Jane Doe"
    assert tokenize(quote_arg("it's <b>")) == ["it's <b>"]
    with pytest.raises(UsageError, match="quotes"):
        parse('/ev compare "li auto')


@pytest.mark.parametrize("name", ["li-auto", "Li Auto", "LI AUTO", "理想", "LI", "li_auto", "Lixiang"])
def test_names_resolve_through_aliases_ignoring_case_spaces_and_punctuation(core: Core, name: str) -> None:
    assert core.names.resolve(name).id == "li-auto"


def test_compare_is_a_cited_table_with_a_column_per_company(core: Core) -> None:
    reply = ask(core, "/ev compare xpeng li-auto")
    assert reply.kind == "answer"
    assert reply.table is not None
    assert reply.table.columns == ["Xpeng", "Li Auto"]
    assert reply.citations, "every answer carries its sources"
    numbers = {c.n for c in reply.citations}
    cells = [item for row in reply.table.rows for cell in row.cells for item in cell]
    assert cells
    for item in cells:
        assert item.citations and set(item.citations) <= numbers
    assert all(c.url and c.url.startswith("https://") for c in reply.citations)


def test_a_missing_value_is_an_empty_cell_never_a_guess(core: Core) -> None:
    reply = ask(core, "/ev compare nio tesla")
    assert reply.table is not None
    tesla_cells = [row.cells[1] for row in reply.table.rows]
    assert all(cell == [] for cell in tesla_cells)
    assert "—" in reply.fallback_text()


def test_a_typo_gets_did_you_mean(core: Core) -> None:
    reply = ask(core, "/ev compare xpeng tesl")
    assert reply.kind == "not_found"
    assert "Did you mean Tesla" in reply.fallback_text()
    assert reply.ephemeral


def test_an_unknown_name_with_nothing_close_says_so(core: Core) -> None:
    reply = ask(core, "/ev brief zzqqxx")
    assert reply.kind == "not_found"
    assert "nothing tracked" in reply.fallback_text()


@pytest.mark.parametrize(
    "text", ["/ev compare xpeng", "/ev compare a b c d e", "/ev brief", "/ev compare xpeng xpeng"]
)
def test_malformed_commands_get_usage(core: Core, text: str) -> None:
    reply = ask(core, text)
    assert reply.kind == "usage"
    assert "/ev compare" in reply.fallback_text() or "/ev brief" in reply.fallback_text()


def test_an_unknown_command_suggests_the_closest(core: Core) -> None:
    reply = ask(core, "/ev compair xpeng nio")
    assert reply.kind == "usage"
    assert "/ev compare" in reply.fallback_text()


def test_brief_shows_key_facts_with_sources(core: Core) -> None:
    reply = ask(core, "/ev brief nio")
    text = reply.fallback_text()
    assert reply.kind == "answer"
    assert "2014" in text
    assert reply.citations


def test_help_lists_the_commands(core: Core) -> None:
    text = ask(core, "/ev help").fallback_text()
    for name in ("compare", "brief", "sources"):
        assert f"/ev {name}" in text


def test_a_failing_handler_becomes_an_error_reply_not_a_crash(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr("bot.commands.compare.current_facts", boom)
    reply = ask(core, "/ev compare xpeng nio")
    assert reply.kind == "error"
    assert "database on fire" not in reply.fallback_text()


def test_companies_lists_brands_under_their_parent_and_filters(core: Core) -> None:
    text = ask(core, "/ev companies huawei").fallback_text()
    assert "Huawei (huawei)" in text
    assert text.index("HIMA (hima)") < text.index("Aito (aito)")
    assert "Tesla" not in text
    assert "No tracked company matches" in ask(core, "/ev companies zzqq").fallback_text()


def test_answers_are_reused_until_the_store_changes(core: Core) -> None:
    first = ask(core, "/ev compare xpeng li-auto")
    assert ask(core, "/ev compare XPeng LI-AUTO") is first  # same question, same store: no rebuild
    from knowledge.store import audit

    with core.db.transaction() as session:  # any recorded change invalidates the answer
        audit(session, "test", "note", "store", None)
    again = ask(core, "/ev compare xpeng li-auto")
    assert again is not first and again == first


def test_questions_with_possessives_are_answered_from_claims_with_the_item_named(core: Core) -> None:
    ceo = ask(core, "/ev ask who is Li Auto’s CEO?")
    assert ceo.kind == "answer" and "Li Xiang" in ceo.fallback_text() and ceo.citations
    assert "No stored fact answers" not in ceo.fallback_text()
    params = ask(core, "/ev ask how many parameters does xpeng's cloud model have?").fallback_text()
    assert "72 billion parameters (Cloud Foundation Model)" in params
