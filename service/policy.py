"""What a principal may see: the one written policy for territory, relations that cross it, and personal data.

The policy, as the README states it:

- A key held to a territory (a street, a community...) sees everything that belongs to it
  (graph.access.within): its territories, their organisations, household heads, units, and
  the agreements, seats and alliances those take part in, whole.
- A relation that crosses the territory's edge (a co-building agreement with a unit of another
  street, an alliance spanning streets, a seat held for a unit elsewhere) shows its far end as a
  bare reference: id, kind and name of a unit, a unit's or community's or street's
  organisation, a system organisation (系统党组织, a unit organisation's superior), or an
  alliance; nothing behind it. Asking for that reference by id answers 404.
- Partner suggestions (双向点单) name a unit of another street as such a bare reference, with the
  items of its own resources list (资源清单: what it offers the district) that met a need; neither
  its community nor its agreements with other territories' communities are read for the key.
- Nothing else of another territory appears: never its people, phones, residential areas,
  grids, branches, groups, seats or agreements. The territories above the key's own (and their
  organisations) appear by name, as the context of a chain path.
- A seat of the territory (on its committee, or held for one of its units) whose holder on record
  lies outside it is shown without its holder and with its person's name withheld (the seat reads
  as ``席位 <id>``, and search does not find it by that name): the holder is another territory's person.
- Viewers see phone numbers masked and no extra columns (``properties``: an ID-card number, a
  contact phone...) on any kind of record, in every answer and every export; editors and admins see them.
- An editor held to a territory writes only inside it, on both ends: every record it creates
  lies within its territory (a ledger row with no parent there, an alliance with no member, is
  a problem of that row), and a record it changes or deletes must be held whole by it
  (graph.access.held_whole: every territory the record is tied to lies within the key's).
  A relation shared with another territory (an agreement with another street's unit, an
  alliance over two streets, a seat on another street's committee) is changed or deleted only
  by a key whose territory holds both ends, or by a key without a scope; a ledger row that
  restates it unchanged is no change, so a street's own export imports again.
- A refusal says the same for an id that does not exist and for one outside the key's
  territory: the same message, by the same checks in the same order.
"""

from __future__ import annotations

from types import NoneType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

from graph.access import held_whole, within
from graph.committees import CommitteeSeat
from graph.errors import UnknownNode
from graph.model import NODE_MODELS, Edge, EdgeKind, Level, Member, Node, NodeKind, Organisation, Post, Seat, Territory
from graph.people import OneShoulder, PersonPlaces
from graph.scope import NodeRef, ancestors, on_date
from graph.store import Direction, GraphStore
from service.principal import Principal

__all__ = ["REFERABLE_LEVELS", "Policy", "mask_phone"]

REFERABLE_LEVELS = frozenset({Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.UNIT, Level.SYSTEM})
"""Organisations of these levels may stand as the far end of a relation (they sign agreements, lead alliances; a
system organisation is the superior a unit's organisation reports to in its own line)."""

T = TypeVar("T")
_NODE_TYPES = tuple(NODE_MODELS.values())
_DROP = object()
"""What redaction answers for an item that must disappear whole."""


def mask_phone(phone: str | None) -> str | None:
    """138****5678: enough to recognise a number, not to call it."""
    if not phone:
        return phone
    digits = phone.strip()
    if len(digits) >= 11:  # a mobile number: its network and its last four
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    tail = min(4, len(digits) // 2)  # a short one keeps at most half, never more than four
    return "*" * (len(digits) - tail) + digits[len(digits) - tail :]


class Policy:
    """The policy above, for one principal over one store; remembers each node's answer for the length of a request."""

    def __init__(self, store: GraphStore, principal: Principal) -> None:
        self.store = store
        self.principal = principal
        self._sees: dict[str, bool] = {}
        self._holds: dict[str, bool] = {}
        self._context: set[str] | None = None

    @property
    def scoped(self) -> bool:
        return self.principal.scope is not None

    def sees(self, node_id: str) -> bool:
        """Whether the node belongs to the principal's territory (every node does, for a principal without one)."""
        if self.principal.scope is None:
            return True
        found = self._sees.get(node_id)
        if found is None:
            found = self._sees[node_id] = within(self.store, node_id, self.principal.scope)
        return found

    def holds(self, node_id: str) -> bool:
        """Whether the principal's territory holds the node whole, so that it may change or delete it (see the policy above)."""
        if self.principal.scope is None:
            return True
        found = self._holds.get(node_id)
        if found is None:
            found = self._holds[node_id] = held_whole(self.store, node_id, self.principal.scope)
        return found

    def require(self, node_id: str) -> None:
        """404 for a node outside the territory, exactly as for one that does not exist: nothing of other streets leaks."""
        if not self.sees(node_id):
            raise UnknownNode(node_id)

    def may_name(self, node_id: str, kind: NodeKind | None = None, level: Level | None = None) -> bool:
        """Whether a node may appear in an answer: inside, the context above, or a referable far end of a relation."""
        if self.sees(node_id) or node_id in self._above():
            return True
        if kind is None:
            try:
                node = self.store.node(node_id)
            except UnknownNode:
                return False
            kind, level = node.kind, node.level if isinstance(node, Territory | Organisation) else None
        if kind in (NodeKind.UNIT, NodeKind.ALLIANCE):
            return True
        return kind is NodeKind.ORGANISATION and level in REFERABLE_LEVELS

    def heads_a_line(self, node_id: str) -> bool:
        """Whether a node is a system organisation (系统党组织): every key names it, as the superior its units' organisations
        report to, and a street's export carries it so that the street's units name their superiors."""
        try:
            node = self.store.node(node_id)
        except UnknownNode:
            return False
        return isinstance(node, Organisation) and node.level is Level.SYSTEM

    def edge_shown(self, edge: Edge, from_id: str) -> bool:
        """Whether an edge of a node the principal sees may be listed: its other end must be nameable."""
        other = edge.target if edge.source == from_id else edge.source
        return self.may_name(other)

    def withholds_person(self, seat_id: str) -> bool:
        """Whether a seat's (or post's) person is another territory's: a holder on record lies outside the principal's territory."""
        if self.principal.scope is None:
            return False
        return any(not self.sees(e.target) for e in self.store.edges_of(seat_id, kind=EdgeKind.HELD_BY, direction=Direction.OUT))

    def mask(self, node: Node) -> Node:
        """A record as this principal may read it: a seat's person withheld when its holder is another territory's;
        for viewers, no extra columns on any kind of record (they may be personal) and a member's phone masked."""
        if isinstance(node, Seat | Post) and node.person and self.withholds_person(node.id):
            node = node.model_copy(update={"person": None})
        if self.principal.sees_personal_data:
            return node
        if isinstance(node, Member):
            return node.model_copy(update={"phone": mask_phone(node.phone), "properties": {}})
        return node.model_copy(update={"properties": {}}) if node.properties else node

    def mask_edge(self, edge: Edge) -> Edge:
        """An edge as this principal may read it: no extra columns for viewers."""
        if edge.properties and not self.principal.sees_personal_data:
            return edge.model_copy(update={"properties": {}})
        return edge

    def redact(self, answer: T) -> T:
        """An answer with every reference it may not carry taken out: a nameless optional field becomes None,
        a list item standing on such a reference is dropped, records are masked, and a seat's person from
        another territory is withheld."""
        if not self.scoped and self.principal.sees_personal_data:
            return answer
        out = self._redact(answer)
        if out is _DROP:
            raise UnknownNode(getattr(answer, "id", "?"))
        return out  # type: ignore[no-any-return]

    def _redact(self, value: Any) -> Any:
        if isinstance(value, NodeRef):
            if not self.may_name(value.id, value.kind, value.level):
                return _DROP
            if value.kind in (NodeKind.SEAT, NodeKind.POST) and self.withholds_person(value.id):
                return NodeRef.of(self.mask(self.store.node(value.id)))  # named as a seat, not by its holder
            return value
        if isinstance(value, _NODE_TYPES):
            return self.mask(value) if self.may_name(value.id) else _DROP  # type: ignore[arg-type]
        if isinstance(value, BaseModel):
            updates: dict[str, Any] = {}
            if isinstance(value, CommitteeSeat) and value.person and self.withholds_person(value.seat.id):
                updates["person"] = None
            if isinstance(value, PersonPlaces | OneShoulder) and value.member is not None and not self.may_name(value.member.id):
                updates["person"] = None  # another territory's member: neither named nor referred to
            for name, field in type(value).model_fields.items():
                current = getattr(value, name)
                changed = self._redact(current)
                if changed is _DROP:
                    if not _optional(field.annotation):
                        return _DROP
                    updates[name] = None
                elif changed is not current:
                    updates[name] = changed
            return value.model_copy(update=updates) if updates else value
        if isinstance(value, list | tuple):
            items = [self._redact(v) for v in value]
            kept = [v for v in items if v is not _DROP]
            if len(kept) == len(value) and all(a is b for a, b in zip(kept, value, strict=True)):
                return value
            return type(value)(kept)
        return value

    def _above(self) -> set[str]:
        """The territories above the principal's own, with their organisations: the context a chain path shows."""
        if self._context is None:
            self._context = set()
            scope = self.principal.scope
            if scope is not None and self.store.has_node(scope):
                for territory in ancestors(self.store, scope, on_date(None)):
                    self._context.add(territory.id)
                    self._context.update(e.source for e in self.store.edges_of(territory.id, kind=EdgeKind.COVERS, direction=Direction.IN))
        return self._context


def _optional(annotation: Any) -> bool:
    origin = get_origin(annotation)
    return origin in (Union, UnionType) and NoneType in get_args(annotation)
