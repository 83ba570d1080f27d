"""Domain errors raised by stores and queries; the API maps them to HTTP, nothing here knows HTTP."""

from __future__ import annotations

from typing import NamedTuple

from graph.i18n import _

__all__ = [
    "BadInterval",
    "GraphError",
    "InvariantViolation",
    "StoreBusy",
    "StoreDamaged",
    "StoreReadOnly",
    "StoreUnavailable",
    "UnknownNode",
    "Violation",
    "WrongKind",
]


class GraphError(Exception):
    """Base of every error the graph layer raises on purpose."""


class UnknownNode(GraphError, KeyError):
    """No node has this id."""

    def __init__(self, node_id: str) -> None:
        super().__init__(node_id)
        self.node_id = node_id

    def __str__(self) -> str:
        return _("没有 id 为 %(id)r 的节点；请核对 id（区分大小写）", id=self.node_id)


class WrongKind(GraphError, ValueError):
    """A node exists but is not of the kind the question needs (a scope that is not a territory)."""


class BadInterval(WrongKind):
    """Two days that make no interval: none given where one is needed, or the second before the first (answered as 422)."""


class Violation(NamedTuple):
    """One broken rule: which rule, which node, and what would be right."""

    rule: str
    node_id: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


class InvariantViolation(GraphError):
    """A write was refused because it would break a rule; nothing of it was written."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        shown = "; ".join(str(v) for v in violations[:5])
        more = f" (and {len(violations) - 5} more)" if len(violations) > 5 else ""
        super().__init__(f"write refused, nothing written: {shown}{more}")


class StoreBusy(GraphError):
    """The embedded store's data folder is held by another process."""


class StoreReadOnly(GraphError):
    """A write to a store opened read-only beside the process that owns its data folder (the server)."""


class StoreDamaged(GraphError):
    """A store's own files cannot be read: written by another version, or damaged."""


class StoreUnavailable(GraphError):
    """The store cannot be reached now; the same request may succeed later."""
