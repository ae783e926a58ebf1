"""The ``/ev`` slash-command group: options become ONE core command line (one grammar everywhere).

Each subcommand only gathers its options and hands ``line(...)`` to the runner; what the line
means, its usage message and its permission check belong to the core. Subcommands whose core
handler is not there yet still translate, and the core answers "Unknown command" until it is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

import discord
from discord import app_commands

from bot.grammar import quote_arg

# Commands that change the knowledge base or the bot: checked on Discord before they run
# (default permissions do not apply to subcommands), and again by the core's policy.
ADMIN_COMMANDS = frozenset({"fact", "admin", "ingest", "review", "entity", "alias"})
# Subcommands of those that anyone may run (reading the audit trail is open to everyone).
OPEN_SUBCOMMANDS = frozenset({("fact", "history")})
# Commands that may take a while: acknowledged at once (deferred), answered by a follow-up.
DEFER_ALWAYS = frozenset({"compare", "brief", "search", "ask", "digest", "ingest", "review"})


class Runner(Protocol):
    """What the group needs from the bot."""

    async def execute(self, interaction: discord.Interaction, text: str) -> None: ...

    async def company_choices(self, current: str) -> list[app_commands.Choice[str]]: ...

    async def property_choices(self, current: str) -> list[app_commands.Choice[str]]: ...

    async def command_choices(self, current: str) -> list[app_commands.Choice[str]]: ...


def line(name: str, *args: str | None, raw: str | None = None) -> str:
    """``name`` and its arguments as a core command line; ``raw`` is free text in the core's grammar."""
    parts = [name, *(quote_arg(arg) for arg in args if arg is not None and arg.strip())]
    if raw and raw.strip():
        parts.append(raw.strip())
    return " ".join(parts)


def _words(text: str) -> list[str]:
    return text.replace("/ev", " ", 1).split() if text.lstrip().startswith("/ev") else text.split()


def command_name(text: str) -> str:
    """The first word of a command line (``fact set x`` → ``fact``), lower-cased."""
    words = _words(text)
    return words[0].lower() if words else "help"


def needs_admin(text: str) -> bool:
    """Whether a command line changes the knowledge base (checked before the core runs it)."""
    words = [w.lower() for w in _words(text)[:2]]
    return bool(words) and words[0] in ADMIN_COMMANDS and tuple(words) not in OPEN_SUBCOMMANDS


AutocompleteFn = Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]


def build_ev_group(runner: Runner) -> app_commands.Group:
    """The ``/ev`` command with every subcommand wired to ``runner``."""

    async def companies_ac(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await runner.company_choices(current)

    async def properties_ac(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await runner.property_choices(current)

    async def commands_ac(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await runner.command_choices(current)

    ev = app_commands.Group(name="ev", description="Cited briefings on the EV industry")

    # -- reading --------------------------------------------------------------------------------

    @ev.command(name="compare", description="Compare 2–4 companies side by side, every value cited")
    @app_commands.describe(
        company1="First company",
        company2="Second company",
        company3="Third company (optional)",
        company4="Fourth company (optional)",
    )
    @app_commands.autocomplete(
        company1=companies_ac, company2=companies_ac, company3=companies_ac, company4=companies_ac
    )
    async def compare(
        interaction: discord.Interaction,
        company1: str,
        company2: str,
        company3: str | None = None,
        company4: str | None = None,
    ) -> None:
        await runner.execute(interaction, line("compare", company1, company2, company3, company4))

    @ev.command(name="brief", description="Key facts and latest developments for one company")
    @app_commands.describe(company="The company")
    @app_commands.autocomplete(company=companies_ac)
    async def brief(interaction: discord.Interaction, company: str) -> None:
        await runner.execute(interaction, line("brief", company))

    @ev.command(name="sources", description="The sources behind a company's facts")
    @app_commands.describe(company="The company")
    @app_commands.autocomplete(company=companies_ac)
    async def sources(interaction: discord.Interaction, company: str) -> None:
        await runner.execute(interaction, line("sources", company))

    @ev.command(name="help", description="Show the commands, or how to use one")
    @app_commands.describe(command="A command to explain (optional)")
    @app_commands.autocomplete(command=commands_ac)
    async def help_(interaction: discord.Interaction, command: str | None = None) -> None:
        await runner.execute(interaction, line("help", command))

    @ev.command(name="companies", description="The companies evbot tracks")
    async def companies(interaction: discord.Interaction) -> None:
        await runner.execute(interaction, line("companies"))

    @ev.command(name="search", description="Search the stored articles and facts")
    @app_commands.describe(query="What to look for")
    async def search(interaction: discord.Interaction, query: str) -> None:
        await runner.execute(interaction, line("search", query))

    @ev.command(name="ask", description="Ask a question; the answer cites its sources")
    @app_commands.describe(question="Your question")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        await runner.execute(interaction, line("ask", question))

    @ev.command(name="conflicts", description="Values that sources disagree on")
    @app_commands.describe(company="Only this company (optional)")
    @app_commands.autocomplete(company=companies_ac)
    async def conflicts(interaction: discord.Interaction, company: str | None = None) -> None:
        await runner.execute(interaction, line("conflicts", company))

    # -- this channel's digest ---------------------------------------------------------------------

    @ev.command(name="digest", description="This channel's digest: show it now, or change it")
    @app_commands.describe(options="Optional arguments, as in `/ev help digest`")
    async def digest(interaction: discord.Interaction, options: str | None = None) -> None:
        await runner.execute(interaction, line("digest", raw=options))

    @ev.command(name="subscribe", description="Subscribe this channel to the digest")
    @app_commands.describe(options="What to follow and when, as in `/ev help subscribe`")
    async def subscribe(interaction: discord.Interaction, options: str | None = None) -> None:
        await runner.execute(interaction, line("subscribe", raw=options))

    @ev.command(name="unsubscribe", description="Stop this channel's digest (or part of it)")
    @app_commands.describe(options="What to stop, as in `/ev help unsubscribe` (optional)")
    async def unsubscribe(interaction: discord.Interaction, options: str | None = None) -> None:
        await runner.execute(interaction, line("unsubscribe", raw=options))

    @ev.command(name="subscriptions", description="What this channel is subscribed to")
    async def subscriptions(interaction: discord.Interaction) -> None:
        await runner.execute(interaction, line("subscriptions"))

    # -- admin --------------------------------------------------------------------------------------

    @ev.command(name="review", description="Admin: review extracted claims waiting for a decision")
    @app_commands.describe(options="Optional arguments, as in `/ev help review`")
    async def review(interaction: discord.Interaction, options: str | None = None) -> None:
        await runner.execute(interaction, line("review", raw=options))

    @ev.command(name="ingest", description="Admin: ingest an article by URL")
    @app_commands.describe(url="The article's address")
    async def ingest(interaction: discord.Interaction, url: str) -> None:
        await runner.execute(interaction, line("ingest", url))

    @ev.command(name="entity", description="Admin: add or change a tracked company")
    @app_commands.describe(options="Arguments, as in `/ev help entity`")
    async def entity(interaction: discord.Interaction, options: str) -> None:
        await runner.execute(interaction, line("entity", raw=options))

    @ev.command(name="alias", description="Admin: add or remove another name for a company")
    @app_commands.describe(options="Arguments, as in `/ev help alias`")
    async def alias(interaction: discord.Interaction, options: str) -> None:
        await runner.execute(interaction, line("alias", raw=options))

    fact = app_commands.Group(name="fact", description="Admin: set, retract and audit facts", parent=ev)

    @fact.command(name="set", description="Admin: set a fact (previewed, then confirmed with a button)")
    @app_commands.describe(
        company="The company",
        property="What the fact is about",
        value="The value",
        source="A source URL or note (optional)",
    )
    @app_commands.autocomplete(company=companies_ac, property=properties_ac)
    async def fact_set(
        interaction: discord.Interaction, company: str, property: str, value: str, source: str | None = None
    ) -> None:
        await runner.execute(interaction, line("fact", "set", company, property, value, source))

    @fact.command(name="retract", description="Admin: retract a claim")
    @app_commands.describe(claim="The claim number, e.g. 12", reason="Why (optional)")
    async def fact_retract(interaction: discord.Interaction, claim: str, reason: str | None = None) -> None:
        await runner.execute(interaction, line("fact", "retract", claim, reason))

    @fact.command(name="confirm", description="Admin: confirm a previewed change")
    @app_commands.describe(change="The change's code from the preview")
    async def fact_confirm(interaction: discord.Interaction, change: str) -> None:
        await runner.execute(interaction, line("fact", "confirm", change))

    @fact.command(name="history", description="Admin: the history of a company's facts")
    @app_commands.describe(company="The company", property="Only this property (optional)")
    @app_commands.autocomplete(company=companies_ac, property=properties_ac)
    async def fact_history(
        interaction: discord.Interaction, company: str, property: str | None = None
    ) -> None:
        await runner.execute(interaction, line("fact", "history", company, property))

    @fact.command(name="undo", description="Admin: undo a change")
    @app_commands.describe(change="The change to undo (optional: your last one)")
    async def fact_undo(interaction: discord.Interaction, change: str | None = None) -> None:
        await runner.execute(interaction, line("fact", "undo", change))

    admin = app_commands.Group(name="admin", description="Admin: who may edit the knowledge base", parent=ev)

    @admin.command(name="add", description="Admin: make someone an evbot admin")
    @app_commands.describe(user="A member of this server", principal="Or a principal, e.g. slack:T1:U2")
    async def admin_add(
        interaction: discord.Interaction, user: discord.User | None = None, principal: str | None = None
    ) -> None:
        await runner.execute(interaction, line("admin", "add", _principal(interaction, user, principal)))

    @admin.command(name="remove", description="Admin: remove an evbot admin")
    @app_commands.describe(user="A member of this server", principal="Or a principal, e.g. slack:T1:U2")
    async def admin_remove(
        interaction: discord.Interaction, user: discord.User | None = None, principal: str | None = None
    ) -> None:
        await runner.execute(interaction, line("admin", "remove", _principal(interaction, user, principal)))

    @admin.command(name="list", description="Admin: list the evbot admins")
    async def admin_list(interaction: discord.Interaction) -> None:
        await runner.execute(interaction, line("admin", "list"))

    return ev


def principal_for(guild_id: int | None, user_id: int) -> str:
    return f"discord:{guild_id if guild_id is not None else 'dm'}:{user_id}"


def _principal(
    interaction: discord.Interaction, user: discord.User | None, principal: str | None
) -> str | None:
    if user is not None:
        return principal_for(interaction.guild_id, user.id)
    return principal
