"""``/ev help``: every command with its usage."""

from __future__ import annotations

from bot.commands.registry import REGISTRY, command, visible_commands
from bot.context import Context
from bot.grammar import UsageError
from bot.reply import FieldRow, Item, Reply, Section


@command("help", "/ev help [command]", "Show the commands", max_args=1)
def help_command(ctx: Context, args: list[str]) -> Reply:
    if args:
        spec = REGISTRY.get(args[0].lower())
        if spec is None:
            raise UsageError(f"There is no command `{args[0]}`.", "/ev help [command]")
        section = Section(title=spec.usage, text=spec.summary)
        section.bullets = [Item(text=example) for example in spec.examples]
        return Reply(title=f"Help: {spec.name}", sections=[section], ephemeral=True)
    fields = [FieldRow(label=spec.usage, items=[Item(text=spec.summary)]) for spec in visible_commands()]
    return Reply(
        title="evbot: cited briefings on the EV industry",
        sections=[Section(fields=fields)],
        footer='Names can be written many ways: li-auto, "Li Auto", 理想, LI.',
        ephemeral=True,
    )
