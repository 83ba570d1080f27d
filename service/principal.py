"""Who is asking: the holder of a key (or the command line, or a test), what they may do and where."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

__all__ = ["COMMAND_LINE", "OPEN", "AccessRole", "Principal"]


class AccessRole(StrEnum):
    """What a key may do: viewers read; editors also import and write; admins also manage keys and read the audit log."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(AccessRole).index(self)


class Principal(BaseModel):
    """The one a use case runs for: named in the audit log, held to ``scope`` (a territory id; None is the whole graph)."""

    model_config = ConfigDict(frozen=True)

    key_id: str
    name: str = ""
    role: AccessRole
    scope: str | None = None

    @property
    def audit_name(self) -> str:
        """How the audit log names them."""
        return f"key {self.key_id}" + (f" ({self.name})" if self.name else "")

    @property
    def sees_personal_data(self) -> bool:
        """Editors and admins see phone numbers whole; viewers see them masked."""
        return self.role is not AccessRole.VIEWER


OPEN = Principal(key_id="open", name="no keys required (GRASSROOTS_AUTH=off)", role=AccessRole.ADMIN)
"""Everyone, when the operator turned keys off (a laptop, a test)."""

COMMAND_LINE = Principal(key_id="cli", name="command line", role=AccessRole.ADMIN)
"""Whoever runs ``grassroots`` on the machine that holds the data: they can read its files anyway."""
