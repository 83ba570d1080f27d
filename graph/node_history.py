"""A node's history as a person reads it (属性变更记录): each change with its day, the field, the old and
the new value, and the import that made it; read from the store's change log (graph.history)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from graph.errors import UnknownNode
from graph.history import ChangeKind, fields_of, import_of, rows
from graph.labels import field_label
from graph.model import NodeKind
from graph.store import GraphStore

__all__ = ["HistoryLine", "NodeHistory", "node_history"]


class HistoryLine(BaseModel):
    """One change of one field (or a creation, or a removal) on the day it took effect."""

    day: date = Field(description="the day it took effect")
    what: ChangeKind
    field: str | None = Field(default=None, description="the field that changed; none for a creation or a removal")
    label: str | None = Field(default=None, description="the field as the reader's language names it (户数, 党员类别...)")
    old: Any = Field(default=None, description="its value before")
    new: Any = Field(default=None, description="its value from that day on")
    import_id: str | None = Field(default=None, description="the import ledger entry that made it, when there is one")


class NodeHistory(BaseModel):
    """Everything kept of a node's properties over time, oldest first."""

    id: str
    kind: NodeKind
    exists: bool = Field(description="false for a removed node: its history ends with the removal")
    created: date | None = Field(default=None, description="the day its present life began, when on record")
    removed: date | None = Field(default=None, description="the day it was removed, for a removed node")
    changes: list[HistoryLine] = Field(default_factory=list)


def node_history(store: GraphStore, node_id: str) -> NodeHistory:
    """The history of one node, alive or removed; :class:`~graph.errors.UnknownNode` if the store keeps neither."""
    log = store.history(node_id)
    exists = store.has_node(node_id)
    current: dict[str, Any] | None = fields_of(store.node(node_id)) if exists else None
    if not log and current is None:
        raise UnknownNode(node_id)
    kind = store.node(node_id).kind if exists else log[-1].kind
    lines = [
        HistoryLine(
            day=r.day,
            what=r.what,
            field=r.field,
            label=field_label(r.field) if r.field is not None else None,
            old=r.old,
            new=r.new,
            import_id=import_of(r.source),
        )
        for r in rows(log, current)
    ]
    created = next((c.day for c in reversed(log) if c.what is ChangeKind.CREATED), None)
    removed = log[-1].day if log and not exists and log[-1].what is ChangeKind.REMOVED else None
    return NodeHistory(id=node_id, kind=kind, exists=exists, created=created, removed=removed, changes=lines)
