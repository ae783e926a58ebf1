"""What a command handler receives: the request, the store, settings, names, and the permission check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import select

from bot.names import NameIndex
from bot.policy import PERMISSIONS, decide
from bot.settings import Settings
from knowledge.db import Database
from knowledge.schema import Admin


class CommandRequest(BaseModel):
    """One command as an adapter hands it to the core."""

    text: str
    principal: str = "console:local:user"  # platform:workspace:user
    platform: str = "console"
    workspace: str = "local"
    channel: str | None = None
    roles: frozenset[str] = Field(default_factory=frozenset)
    confirmed: bool = False  # the console's --yes: confirm a preview at once
    display_name: str | None = None


class Refused(Exception):
    """The principal lacks a permission; the message says which and why."""

    def __init__(self, permission: str, reason: str) -> None:
        super().__init__(reason)
        self.permission = permission
        self.reason = reason


@dataclass
class Context:
    request: CommandRequest
    db: Database
    settings: Settings
    names: NameIndex
    clock: Callable[[], datetime]
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def principal(self) -> str:
        return self.request.principal

    def admins(self) -> frozenset[str]:
        with self.db.session() as session:
            stored = set(session.scalars(select(Admin.principal)))
        return self.settings.admin_principals | stored

    def require(self, permission: str) -> None:
        decision = decide(permission, self.principal, self.request.roles, self.admins())
        if not decision.allowed:
            raise Refused(
                permission,
                f"You need permission to {PERMISSIONS.get(permission, permission)}: {decision.reason}.",
            )
