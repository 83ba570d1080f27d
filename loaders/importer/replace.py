"""--replace (替换): records of a scope that the file's tables no longer list, deleted in the import's own write.

Without ``--replace`` an import deletes nothing. With it, the builders note every id the file
refers to and every alliance membership it lists, and once the file is written
:meth:`Replacement.removals` finds, table by table, what in the scope the file left out.
"""

from __future__ import annotations

from graph.errors import UnknownNode, WrongKind
from graph.i18n import _
from graph.labels import term
from graph.model import Batch, EdgeKind, EdgeRef, Level, Member, Territory
from graph.navigation import territory_subtree
from graph.store import Direction, GraphStore
from loaders.importer.index import IdIndex
from loaders.importer.scope import ScopeGuard

__all__ = ["Replacement"]


class Replacement:
    """An import's ``--replace``: its scope, and what of the file keeps stored records in place."""

    def __init__(self, store: GraphStore, scope: str, *, guard: ScopeGuard) -> None:
        """Refused before anything starts (it is no import) unless the scope is a territory within the importer's own."""
        node = store.node(scope)  # UnknownNode names it
        if not guard.allows(scope):
            raise UnknownNode(scope)  # outside the importer's scope: as if it did not exist
        if not isinstance(node, Territory):
            raise WrongKind(_("--replace 的范围应是一个地域（区、街道、社区……）；%(scope)s 是%(kind)s", scope=scope, kind=term(node.kind)))
        self.store = store
        self.scope = scope
        self.guard = guard
        self.referenced: set[str] = set()
        """Every id the file refers to: it stays, even where no row defines it."""
        self.memberships: set[tuple[str, str]] = set()
        """The alliance memberships (member, alliance) the file lists."""

    def removals(self, index: IdIndex, tables: list[str]) -> Batch:
        """Records of the file's tables within the scope that the file no longer has."""
        store, scope, keep = self.store, self.scope, self.referenced
        gone: set[str] = set()
        removed_edges: list[EdgeRef] = []

        def missing(node_id: str) -> bool:
            # a record shared with another territory stays: only a key holding it whole may delete it
            return not index.defines(node_id) and node_id not in keep and node_id != scope and self.guard.holds(node_id)

        territories = territory_subtree(store, scope)
        listed = set(tables)
        committees: list[str] = []
        holders: list[str] = []  # the units' organisations, which hold members of the roll too
        for t in territories:
            covering = [e.source for e in store.edges_of(t.id, kind=EdgeKind.COVERS, direction=Direction.IN)]
            if "structure" in listed:
                gone.update(i for i in [t.id, *covering] if missing(i))
            committees.extend(covering)
            if t.level is Level.GRID and "household_heads" in listed:
                serving = store.edges_of(t.id, kind=EdgeKind.SERVES, direction=Direction.IN)
                gone.update(e.source for e in serving if missing(e.source) and _household_head(store, e.source))
            if "service_centres" in listed:
                gone.update(e.source for e in store.edges_of(t.id, kind=EdgeKind.CENTRE_FOR, direction=Direction.IN) if missing(e.source))
            if t.level is Level.COMMUNITY and ("units" in listed or "members" in listed):
                for e in store.edges_of(t.id, kind=EdgeKind.LOCATED_IN, direction=Direction.IN):
                    unit_orgs = [c.source for c in store.edges_of(e.source, kind=EdgeKind.COVERS, direction=Direction.IN)]
                    if "units" in listed:
                        gone.update(i for i in [e.source, *unit_orgs] if missing(i))
                    holders.extend(unit_orgs)
        if "members" in listed:  # the roll: members held by the scope's organisations, the chain's and the units'
            for org in committees + holders:
                gone.update(e.source for e in store.edges_of(org, kind=EdgeKind.MEMBER_OF, direction=Direction.IN) if missing(e.source))
        for org in committees:
            if "agreements" in listed:
                gone.update(e.source for e in store.edges_of(org, kind=EdgeKind.SIGNED_BY, direction=Direction.IN) if missing(e.source))
            if "big_committee" in listed:
                gone.update(e.source for e in store.edges_of(org, kind=EdgeKind.SEAT_ON, direction=Direction.IN) if missing(e.source))
        if "alliances" in listed:
            for member in [t.id for t in territories] + committees:
                for e in store.edges_of(member, kind=EdgeKind.IN_ALLIANCE):
                    listed_here = e.target in index.alliances and (member, e.target) not in self.memberships
                    # Leaving an alliance changes it: one shared with another territory is changed only by a key holding it whole.
                    if listed_here and member not in gone and self.guard.holds(e.target):
                        removed_edges.append(e.ref)
        return Batch.model_construct(nodes=[], edges=[], remove_nodes=sorted(gone), remove_edges=removed_edges)


def _household_head(store: GraphStore, node_id: str) -> bool:
    """Whether a stored person is a household head: a household_heads --replace leaves the roll's other people alone."""
    node = store.node(node_id)
    return isinstance(node, Member) and node.is_household_head
