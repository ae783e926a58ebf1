"""The platform-neutral reply model that every service returns and every adapter renders.

Text fields are plain text: no markup of any platform. Renderers escape and style them, which is
how user- and article-controlled text stays inert everywhere.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ReplyKind = Literal["answer", "usage", "not_found", "error", "refused", "confirm", "info"]


class Citation(BaseModel):
    """A numbered source: an article (publisher, date, link) or an admin's entry."""

    n: int
    publisher: str | None = None
    published: str | None = None  # human date, or None when the source gives none
    url: str | None = None
    title: str | None = None
    admin: str | None = None  # "set by <admin> on <date>" when an admin entered the fact
    admin_on: str | None = None

    def label(self) -> str:
        if self.admin:
            text = f"set by {self.admin} on {self.admin_on}" if self.admin_on else f"set by {self.admin}"
            return f"{text} — {self.url}" if self.url else text
        parts = [self.publisher or "unknown publisher", self.published or "date not given"]
        if self.title:
            parts.insert(1, f"“{self.title}”")
        return ", ".join(parts)


class Item(BaseModel):
    """A piece of cited text; ``conflicts`` are other values sources give for the same thing."""

    text: str
    citations: list[int] = Field(default_factory=list)
    conflicts: list[Item] = Field(default_factory=list)
    note: str | None = None  # e.g. "claim #12"


class FieldRow(BaseModel):
    label: str
    items: list[Item] = Field(default_factory=list)


class Section(BaseModel):
    title: str | None = None
    text: str | None = None
    fields: list[FieldRow] = Field(default_factory=list)
    bullets: list[Item] = Field(default_factory=list)


class TableRow(BaseModel):
    label: str
    cells: list[list[Item]]  # one list of items per column


class Table(BaseModel):
    columns: list[str]  # the entity columns; the row label column is implicit
    rows: list[TableRow] = Field(default_factory=list)
    corner: str = "Property"


class Action(BaseModel):
    """A button: pressing it runs ``command`` through the core as the presser."""

    label: str
    command: str
    style: Literal["primary", "danger", "default"] = "default"


class Reply(BaseModel):
    kind: ReplyKind = "answer"
    title: str
    subtitle: str | None = None
    sections: list[Section] = Field(default_factory=list)
    table: Table | None = None
    citations: list[Citation] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    ephemeral: bool = False  # only the asker should see it
    footer: str | None = None

    @property
    def is_error(self) -> bool:
        return self.kind in ("usage", "not_found", "error", "refused")

    def fallback_text(self) -> str:
        from bot.text import to_text

        return to_text(self)
