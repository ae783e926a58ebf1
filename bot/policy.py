"""Permissions as a small pure policy: who may do what, and a specific message for each refusal."""

from __future__ import annotations

from dataclasses import dataclass

# Roles an adapter may grant from the platform (Discord Manage Server, Slack workspace admin, ...).
PLATFORM_ADMIN = "platform_admin"
CHANNEL_MANAGER = "channel_manager"

PERMISSIONS = {
    "admin": "edit the knowledge base (admin)",
    "manage_channel": "manage this channel's digest (admin or channel manager)",
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    permission: str
    reason: str


def decide(permission: str, principal: str, roles: frozenset[str], admins: frozenset[str]) -> Decision:
    """Whether ``principal`` holds ``permission``. ``admins`` is configuration plus the admin table."""
    is_admin = principal in admins or PLATFORM_ADMIN in roles
    if permission == "admin":
        if is_admin:
            return Decision(True, permission, "admin")
        return Decision(
            False,
            permission,
            f"{principal} is not an evbot admin; ask an admin to run `/ev admin add {principal}`",
        )
    if permission == "manage_channel":
        if is_admin or CHANNEL_MANAGER in roles:
            return Decision(True, permission, "admin or channel manager")
        return Decision(
            False, permission, "only admins or people who manage this channel may change its digest"
        )
    return Decision(False, permission, f"unknown permission {permission!r}")


def is_admin(principal: str, roles: frozenset[str], admins: frozenset[str]) -> bool:
    return decide("admin", principal, roles, admins).allowed


def valid_principal(principal: str) -> bool:
    """``platform:workspace:user`` with three non-empty parts."""
    parts = principal.split(":")
    return (
        len(parts) == 3 and all(part.strip() for part in parts) and not any(ch.isspace() for ch in principal)
    )


def removal_refusal(principal: str, configured: frozenset[str], stored: frozenset[str]) -> str | None:
    """Why ``principal`` cannot be removed from the admin table, or None when it can."""
    if principal in configured:
        return f"{principal} is an admin through EVBOT_ADMINS; remove it from that setting instead"
    if principal not in stored:
        return f"{principal} is not in the admin list"
    if not (configured | stored) - {principal}:
        return f"{principal} is the last admin; add another admin first"
    return None
