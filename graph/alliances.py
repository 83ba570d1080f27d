"""How far each alliance reaches (党建联盟 / 党建共同体): the organisations, units and party members under its members.

Heshan's 18 共同体 of 26 communities, 5 parks and 303 units "覆盖全市1323个基层党组织、21821名党员": an
alliance reaches further than its member list. On a day, an alliance reaches

- organisations: its member organisations, the organisations covering its member territories and the
  units it reaches, and every organisation reporting to one of those, directly or through its line
  (REPORTS_TO);
- units: its member units, the units located in a member territory or a territory within it (a
  territory a member organisation covers is a member territory: a community joins through its
  organisation), and the units whose own organisation it reaches; never a community's own body
  (居民委员会);
- party members: the members (``party_member``) whose membership (MEMBER_OF) is held by an
  organisation it reaches.

Counted over one scope: an alliance belongs to a scope when one of its members on the day lies
within it (graph.access.within), and its reach is counted there as far as it lies within the
scope, so a street sees its own part of a cross-street alliance. Its members are all listed:
another street's are bare references once the policy has redacted the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pydantic import BaseModel, Field

from graph.access import within
from graph.model import BODY_TYPES, Alliance, AllianceKind, EdgeKind, InAlliance, Member, NodeKind, Organisation, Territory, Unit
from graph.scope import DayReader, NodeRef, resolve_scope
from graph.store import Direction, GraphStore

__all__ = ["AllianceMember", "AllianceReach", "alliance_reach"]


class AllianceMember(BaseModel):
    """One member of an alliance on the day: an organisation, a territory or a unit."""

    member: NodeRef
    lead: bool = Field(description="牵头: whether it leads the alliance")


class AllianceReach(BaseModel):
    """One alliance, its members on the day, and what it reaches within the scope asked about."""

    alliance: NodeRef
    alliance_kind: AllianceKind
    members: list[AllianceMember] = Field(description="every member on the day, leads first, then by name")
    organisations: list[NodeRef] = Field(description="the organisations it reaches within the scope, by name")
    units: list[NodeRef] = Field(description="the resident units it reaches within the scope, by name")
    party_members: int = Field(description="党员: the party members held by the organisations it reaches within the scope")


class _Reach:
    """The ids one alliance reaches on a day, whatever the scope."""

    def __init__(self) -> None:
        self.organisations: set[str] = set()
        self.units: set[str] = set()
        self.party_members: set[str] = set()


def _reach_of(read: DayReader, alliance_id: str) -> tuple[list[AllianceMember], _Reach]:
    """An alliance's members on the day and the ids it reaches (the definition in the module's docstring)."""
    members: list[AllianceMember] = []
    reach = _Reach()
    heads: list[str] = []  # organisations whose line is followed down
    territories: list[Territory] = []  # member territories, and those a member organisation covers (a community joins through it)
    for edge in read.edges(alliance_id, EdgeKind.IN_ALLIANCE, Direction.IN):
        node = read.node(edge.source)
        members.append(AllianceMember(member=NodeRef.of(node), lead=isinstance(edge, InAlliance) and edge.lead))
        if isinstance(node, Organisation):
            heads.append(node.id)
            covered = (read.node(e.target) for e in read.edges(node.id, EdgeKind.COVERS))
            territories.extend(t for t in covered if isinstance(t, Territory))
        elif isinstance(node, Unit):
            reach.units.add(node.id)
        elif isinstance(node, Territory):
            territories.append(node)
    seen: set[str] = set()
    while territories:  # each member territory and every territory within it on the day
        territory = territories.pop()
        if territory.id in seen:
            continue
        seen.add(territory.id)
        reach.units.update(u.id for u in read.units(territory.id) if u.unit_type not in BODY_TYPES)
        org = read.coverer(territory.id)
        if org is not None:
            heads.append(org.id)
        territories.extend(read.children(territory.id))
    heads.extend(org.id for unit_id in sorted(reach.units) if (org := read.coverer(unit_id)) is not None)
    while heads:
        org_id = heads.pop()
        if org_id in reach.organisations:
            continue
        reach.organisations.add(org_id)
        heads.extend(e.source for e in read.edges(org_id, EdgeKind.REPORTS_TO, Direction.IN))
        for edge in read.edges(org_id, EdgeKind.COVERS):
            if isinstance(read.node(edge.target), Unit):
                reach.units.add(edge.target)
        # party_member (issue 11) tells a resident household head (群众联户长) from a party member; absent, all are members
        reach.party_members.update(m.id for m in read.members_of(org_id) if isinstance(m, Member) and getattr(m, "party_member", True))
    members.sort(key=lambda m: (not m.lead, m.member.name, m.member.id))
    return members, reach


def alliance_reach(
    store: GraphStore,
    scope_id: str,
    *,
    as_of: date | None = None,
    kind: AllianceKind | None = None,
) -> list[AllianceReach]:
    """The alliances with a member within a scope on the day (of one kind, when given), each with its reach there; by name.

    Alliances are few (Heshan: 18), so each is read whole and its reach is then held to the scope.
    """
    scope = resolve_scope(store, scope_id).id
    read = DayReader(store, as_of=as_of)
    inside: dict[str, bool] = {}

    def mine(node_id: str) -> bool:
        found = inside.get(node_id)
        if found is None:
            found = inside[node_id] = within(store, node_id, scope)
        return found

    out: list[AllianceReach] = []
    for alliance in store.nodes(NodeKind.ALLIANCE):
        if not isinstance(alliance, Alliance) or (kind is not None and alliance.alliance_kind is not kind):
            continue
        members, reach = _reach_of(read, alliance.id)
        if not any(mine(m.member.id) for m in members):
            continue
        out.append(
            AllianceReach(
                alliance=NodeRef.of(alliance),
                alliance_kind=alliance.alliance_kind,
                members=members,
                organisations=_refs(read, reach.organisations, mine),
                units=_refs(read, reach.units, mine),
                party_members=sum(1 for m in reach.party_members if mine(m)),
            )
        )
    return sorted(out, key=lambda a: (a.alliance.name, a.alliance.id))


def _refs(read: DayReader, ids: set[str], keep: Callable[[str], bool]) -> list[NodeRef]:
    refs = [NodeRef.of(read.node(i)) for i in ids if keep(i)]
    return sorted(refs, key=lambda r: (r.name, r.id))
