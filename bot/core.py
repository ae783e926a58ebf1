"""The core: parse a command, check it, run its handler, and turn every failure into a clear reply."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from rapidfuzz import process

import bot.commands  # noqa: F401  (registers the commands)
from bot.answers import AnswerCache, VersionClock
from bot.commands.registry import REGISTRY, CommandSpec, visible_commands
from bot.context import CommandRequest, Context, Refused
from bot.grammar import UsageError, parse
from bot.names import NameIndex, NotFound
from bot.reply import Reply, Section
from bot.settings import Settings
from knowledge.db import Database
from knowledge.store import audit
from knowledge.values import normalise_name

log = logging.getLogger("evbot.core")


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Core:
    """``handle(request) -> Reply``: the one entry point every adapter calls."""

    def __init__(self, db: Database, settings: Settings, clock: Callable[[], datetime] = _utcnow) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.names = NameIndex(db)
        self.answers = AnswerCache(size=64)
        self.versions = VersionClock(db, max_age=settings.store_recheck_ms / 1000)

    def spec_for(self, text: str) -> CommandSpec | None:
        """The command a line would run (adapters use it to decide whether to defer)."""
        try:
            return REGISTRY.get(parse(text).name)
        except UsageError:
            return None

    def handle(self, request: CommandRequest) -> Reply:
        try:
            parsed = parse(request.text)
            spec = REGISTRY.get(parsed.name)
            if spec is None:
                raise UsageError(self._unknown_command(parsed.name))
            self._check_arity(spec, parsed.args)
            version = self.versions.current()  # the alias index's and the answers' freshness
            self.names.refresh(version.names)
            context = Context(request, self.db, self.settings, self.names, self.clock)
            if spec.permission:
                context.require(spec.permission)
            if not spec.cacheable:
                return spec.handler(context, parsed.args)
            key = _answer_key(spec, parsed.args)
            cached = self.answers.get(key, version)
            if cached is not None:
                return cached
            reply = spec.handler(context, parsed.args)
            if not reply.is_error:
                self.answers.put(key, version, reply)
            return reply
        except UsageError as exc:
            return usage_reply(exc)
        except NotFound as exc:
            return not_found_reply(exc)
        except Refused as exc:
            self._record_refusal(request, exc)
            return Reply(
                kind="refused", title="Not allowed", sections=[Section(text=exc.reason)], ephemeral=True
            )
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("command failed (ref %s, principal %s)", ref, request.principal)
            return Reply(
                kind="error",
                title="Something went wrong",
                sections=[
                    Section(
                        text=f"The command could not be completed and nothing was changed. Reference: {ref}."
                    )
                ],
                ephemeral=True,
            )

    def cached_answer(self, request: CommandRequest) -> Reply | None:
        """The answer to a repeated read-only question, if the store has not changed since; else
        None (then ``handle`` it). Cheap enough for an adapter to call on its event loop."""
        try:
            parsed = parse(request.text)
        except UsageError:
            return None
        spec = REGISTRY.get(parsed.name)
        if spec is None or not spec.cacheable or spec.permission:
            return None
        try:
            version = self.versions.current()
        except Exception:  # the store is unreachable: ``handle`` will answer with a clear error
            log.warning("store version unavailable; the command goes the slow way", exc_info=True)
            return None
        return self.answers.get(_answer_key(spec, parsed.args), version)

    def check(self, request: CommandRequest, permission: str) -> Refused | None:
        """Whether the request's principal holds ``permission``, by the same policy as commands.

        Adapters use it to refuse early in the platform's own words; a refusal is recorded here
        just as one from ``handle`` is."""
        context = Context(request, self.db, self.settings, self.names, self.clock)
        try:
            context.require(permission)
        except Refused as exc:
            self._record_refusal(request, exc)
            return exc
        return None

    @staticmethod
    def _check_arity(spec: CommandSpec, args: list[str]) -> None:
        if len(args) < spec.min_args:
            raise UsageError(f"`{spec.name}` needs at least {spec.min_args} argument(s).", spec.usage)
        if spec.max_args is not None and len(args) > spec.max_args:
            raise UsageError(f"`{spec.name}` takes at most {spec.max_args} argument(s).", spec.usage)

    @staticmethod
    def _unknown_command(name: str) -> str:
        names = [spec.name for spec in visible_commands()]
        best = process.extractOne(name, names, score_cutoff=60)
        hint = f" Did you mean `/ev {best[0]}`?" if best else ""
        return f"Unknown command `{name}`.{hint} Try `/ev help`."

    def _record_refusal(self, request: CommandRequest, exc: Refused) -> None:
        try:
            with self.db.transaction() as session:
                audit(
                    session,
                    request.principal,
                    "refused",
                    "command",
                    None,
                    after={"command": request.text[:500], "permission": exc.permission},
                    reason=exc.reason,
                )
        except Exception:  # the refusal itself must still reach the user
            log.exception("could not record a refusal for %s", request.principal)
        log.info("refused %s: %s", request.principal, exc.permission)


def _answer_key(spec: CommandSpec, args: list[str]) -> tuple[str, ...]:
    return (spec.name, *(normalise_name(arg) or arg for arg in args))


def usage_reply(exc: UsageError) -> Reply:
    sections = [Section(text=exc.message)]
    if exc.usage:
        sections.append(Section(title="Usage", text=exc.usage))
    return Reply(
        kind="usage",
        title="That command needs fixing",
        sections=sections,
        ephemeral=True,
        footer="Type /ev help for every command.",
    )


def not_found_reply(exc: NotFound) -> Reply:
    if exc.suggestions:
        names = ", ".join(f"{e.name_en} ({e.id})" for e in exc.suggestions)
        text = f"I don't know “{exc.name}”. Did you mean {names}?"
    else:
        text = f"I don't know “{exc.name}”, and nothing tracked has a similar name. Try /ev companies."
    return Reply(kind="not_found", title="Unknown company", sections=[Section(text=text)], ephemeral=True)
