"""The one interface every graph store offers; queries and the API see nothing else."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, Field

from graph.model import Batch, Edge, EdgeKind, Node, NodeKind

__all__ = ["Direction", "GraphStore", "WriteSummary"]


class Direction(StrEnum):
    OUT = "out"
    IN = "in"


class WriteSummary(BaseModel):
    """What one write did, counted per node kind and per edge kind."""

    created: Counter[str] = Field(default_factory=Counter)
    updated: Counter[str] = Field(default_factory=Counter)
    unchanged: Counter[str] = Field(default_factory=Counter)
    removed: Counter[str] = Field(default_factory=Counter)

    @classmethod
    def from_counts(cls, **counts: Counter[str]) -> WriteSummary:
        """A summary from counters keyed by node or edge kind (enum members or their values)."""
        return cls(**{what: Counter({str(k): n for k, n in c.items()}) for what, c in counts.items()})

    def add(self, other: WriteSummary) -> None:
        """Count another write's figures into this one."""
        for what in ("created", "updated", "unchanged", "removed"):
            getattr(self, what).update(getattr(other, what))

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def total(self, what: str) -> int:
        return sum(getattr(self, what).values())


@runtime_checkable
class GraphStore(Protocol):
    """A graph of nodes and edges from :mod:`graph.model`, with the invariants kept on every write.

    ``write`` is all or nothing: a batch that breaks a rule raises
    :class:`~graph.errors.InvariantViolation` naming every node and rule at fault, and
    leaves the store as it was. Writing a node or edge that exists updates it in place;
    writing one equal to what is stored (provenance aside) leaves it, provenance included,
    as it was, so that importing the same file twice changes nothing.
    """

    def write(self, batch: Batch) -> WriteSummary: ...

    def write_all(self, batches: Iterable[Batch]) -> WriteSummary:
        """Several batches as one write, all or nothing: for imports too large to hold as one batch.

        Each batch is checked against the store with the batches before it written; a refused
        batch, or an error raised by the iterable itself, undoes them all.
        """
        ...

    def node(self, node_id: str) -> Node:
        """The node with this id; :class:`~graph.errors.UnknownNode` if there is none."""
        ...

    def has_node(self, node_id: str) -> bool: ...

    def nodes(self, kind: NodeKind | None = None) -> Iterator[Node]:
        """Every node, or every node of one kind, in no promised order."""
        ...

    def edges(self, kind: EdgeKind | None = None) -> Iterator[Edge]:
        """Every edge, or every edge of one kind, in no promised order."""
        ...

    def edges_of(self, node_id: str, *, kind: EdgeKind | None = None, direction: Direction = Direction.OUT) -> list[Edge]:
        """The edges leaving (or entering) one node; :class:`~graph.errors.UnknownNode` if it does not exist."""
        ...

    def count(self, kind: NodeKind | None = None) -> int:
        """How many nodes, or nodes of one kind."""
        ...

    def count_edges(self, kind: EdgeKind | None = None) -> int: ...

    def clear(self) -> None:
        """Delete every node and edge."""
        ...

    def close(self) -> None:
        """Release what the store holds (files, connections); the store is unusable after."""
        ...
