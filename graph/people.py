"""People holding several places (一人多职): the counts the seeds report, each one query over a scope.

- **兼职委员** (concurrent members of big committees): the people holding seats in force on the
  committees of the scope's communities (大党委; Duyun's 38) and streets (大工委).
- **一肩挑**: the secretary of a residential area's branch who chairs an owners' committee of the
  same community (Duyun's 24), and the community secretary who directs the community's residents'
  committee (Haishu).
- **交叉任职**: people holding posts or seats in two or more bodies on the day.
- **服务队**: the service teams serving the scope's territories, their members, and the grids served.

A person is the member on record (HELD_BY) where there is one, else the name the post or seat
records: two places held by one member, or by one name with no member on either, are one person's.
Every answer is as of a day: a post counts when its own term and its POST_IN edge hold on it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from graph.coverage import Figure
from graph.labels import label
from graph.model import EdgeKind, Level, Member, Organisation, Post, PostKind, Seat, Team, TeamKind, Territory, Unit, UnitType
from graph.scope import NodeRef, ScopeTree, term_covers
from graph.store import Direction, GraphStore

__all__ = ["OneShoulder", "PeopleCounts", "PersonPlaces", "PlaceHeld", "people_counts"]

_PERSON_KEY = tuple[str, str]  # ("member", id) or ("name", name)


class PlaceHeld(BaseModel):
    """One place a person holds on the day: a post in a body, or a seat on a big committee."""

    body: NodeRef = Field(description="the organisation or unit the post is in, or the committee the seat is on")
    place: NodeRef = Field(description="the post or seat")
    role: str = Field(description="职务: 书记, 主任... or 兼职委员")


class PersonPlaces(BaseModel):
    """交叉任职: one person and the places they hold in two or more bodies."""

    person: str | None = Field(description="the name, as the member record or the post gives it")
    member: NodeRef | None = Field(description="the party member on record, when there is one")
    places: list[PlaceHeld]


class OneShoulder(BaseModel):
    """一肩挑: one person holding the party post and the matching self-governing post of one place."""

    kind: Literal["area_branch_and_owners_committee", "community_and_residents_committee"]
    person: str | None
    member: NodeRef | None
    territory: NodeRef = Field(description="the residential area or community")
    party_post: NodeRef = Field(description="the secretary's post")
    other_post: NodeRef = Field(description="the owners' committee chair's or residents' committee director's post")


class PeopleCounts(BaseModel):
    """The seeds' counts of people in a scope on a day, each by one query."""

    scope: NodeRef
    as_of: date
    concurrent_members: int = Field(description="兼职委员: people holding seats in force on the scope's community committees (大党委)")
    concurrent_seats: int = Field(description="those seats")
    street_committee_members: int = Field(description="people holding seats in force on the scope's street working committees (大工委)")
    one_shoulder_area: int = Field(description="一肩挑: area branch secretaries chairing an owners' committee of their community")
    one_shoulder_community: int = Field(description="一肩挑: community secretaries directing their residents' committee")
    one_shoulder: list[OneShoulder]
    cross_posted: int = Field(description="交叉任职: people holding posts or seats in two or more bodies")
    cross_posts: list[PersonPlaces]
    teams: int = Field(description="服务队 in force serving the scope's territories")
    teams_by_kind: dict[TeamKind, int]
    team_members: int = Field(description="distinct members of those teams")
    grids_with_team: Figure = Field(description="grids with a service team in force serving them")


class _Held:
    """A place held on the day, with the person holding it."""

    __slots__ = ("body", "holder", "key", "name", "place", "post")

    def __init__(self, *, place: Post | Seat, body: Organisation | Unit, holder: Member | None, post: PostKind | None) -> None:
        self.place, self.body, self.holder, self.post = place, body, holder, post
        self.name = holder.name if holder is not None else place.person
        self.key: _PERSON_KEY | None = ("member", holder.id) if holder is not None else (("name", place.person) if place.person else None)

    def placed(self) -> PlaceHeld:
        role = label(self.post) if self.post is not None else (getattr(self.place, "role", None) or "兼职委员")
        return PlaceHeld(body=NodeRef.of(self.body), place=NodeRef.of(self.place), role=role)


def _posts(tree: ScopeTree, body: Organisation | Unit) -> list[_Held]:
    """The posts held in a body on the day (the post's term and its POST_IN edge both hold)."""
    out = []
    for edge in tree.edges(body.id, EdgeKind.POST_IN, Direction.IN):
        post = tree.node(edge.source)
        if isinstance(post, Post) and term_covers(post, tree.day):
            out.append(_Held(place=post, body=body, holder=tree.post_holder(post.id), post=post.post))
    return sorted(out, key=lambda h: h.place.id)


def people_counts(store: GraphStore, scope_id: str, *, as_of: date | None = None) -> PeopleCounts:
    """The seeds' counts of people holding several places in a scope (a territory or a chain organisation), on ``as_of``."""
    tree = ScopeTree(store, scope_id, as_of=as_of)
    held: list[_Held] = []
    community_seats: list[_Held] = []
    street_seats: list[_Held] = []
    shoulders: list[OneShoulder] = []
    by_community: dict[str, dict[str, list[_Held]]] = defaultdict(lambda: defaultdict(list))
    team_ids: dict[str, Team] = {}
    members: set[str] = set()
    grids = grids_served = 0

    for territory in tree.territories:
        org = tree.coverer(territory.id)
        if org is not None:
            posts = _posts(tree, org)
            held += posts
            if territory.level in (Level.COMMUNITY, Level.STREET):
                seats = [_Held(place=s, body=org, holder=tree.seat_holder(s.id), post=None) for s in tree.seats_on(org.id)]
                held += seats
                (community_seats if territory.level is Level.COMMUNITY else street_seats).extend(seats)
            if territory.level in (Level.COMMUNITY, Level.RESIDENTIAL_AREA):
                community = territory.id if territory.level is Level.COMMUNITY else tree.parent.get(territory.id)
                if community is not None:
                    by_community[community][territory.level.value] += [h for h in posts if h.post is PostKind.SECRETARY]
        if territory.level is Level.COMMUNITY:
            for unit in tree.units(territory.id):
                unit_org = tree.coverer(unit.id)
                if unit_org is not None:
                    held += _posts(tree, unit_org)
                if unit.unit_type in (UnitType.RESIDENTS_COMMITTEE, UnitType.OWNERS_COMMITTEE, UnitType.PROPERTY_COMPANY):
                    own = _posts(tree, unit)
                    held += own
                    if unit.unit_type is UnitType.RESIDENTS_COMMITTEE:
                        by_community[territory.id]["residents"] += [h for h in own if h.post is PostKind.DIRECTOR]
                    elif unit.unit_type is UnitType.OWNERS_COMMITTEE:
                        by_community[territory.id]["owners"] += [h for h in own if h.post in (PostKind.CHAIR, PostKind.DIRECTOR)]
        teams_here = _teams(tree, territory)
        for team, team_members in teams_here:
            team_ids[team.id] = team
            members.update(team_members)
        if territory.level is Level.GRID:
            grids += 1
            grids_served += bool(teams_here)

    for community_id, places in by_community.items():
        home = tree.node(community_id)
        assert isinstance(home, Territory)

        def at_home(_: _Held, home: Territory = home) -> Territory:
            return home

        def at_area(h: _Held) -> Territory:
            return _covered(tree, h.body)

        shoulders += _one_shoulder(places["community"], places["residents"], "community_and_residents_committee", at_home)
        shoulders += _one_shoulder(places["residential_area"], places["owners"], "area_branch_and_owners_committee", at_area)

    return PeopleCounts(
        scope=NodeRef.of(tree.root),
        as_of=tree.day,
        concurrent_members=len({h.key or ("seat", h.place.id) for h in community_seats}),
        concurrent_seats=len(community_seats),
        street_committee_members=len({h.key or ("seat", h.place.id) for h in street_seats}),
        one_shoulder_area=sum(s.kind == "area_branch_and_owners_committee" for s in shoulders),
        one_shoulder_community=sum(s.kind == "community_and_residents_committee" for s in shoulders),
        one_shoulder=shoulders,
        cross_posted=len(cross := _cross_posts(held)),
        cross_posts=cross,
        teams=len(team_ids),
        teams_by_kind=dict(Counter(t.team_kind for t in team_ids.values())),
        team_members=len(members),
        grids_with_team=Figure.of(grids_served, grids),
    )


def _covered(tree: ScopeTree, org: Organisation | Unit) -> Territory:
    covered = [tree.node(e.target) for e in tree.edges(org.id, EdgeKind.COVERS)]
    return next(t for t in covered if isinstance(t, Territory))


def _one_shoulder(
    party: list[_Held],
    other: list[_Held],
    kind: Literal["area_branch_and_owners_committee", "community_and_residents_committee"],
    where: Callable[[_Held], Territory],
) -> list[OneShoulder]:
    """Each party secretary who also holds one of the other posts (same person), once per pair."""
    out = []
    for secretary in party:
        for held in other:
            if secretary.key is not None and secretary.key == held.key:
                territory = where(secretary)
                out.append(
                    OneShoulder(
                        kind=kind,
                        person=secretary.name,
                        member=NodeRef.of(secretary.holder) if secretary.holder is not None else None,
                        territory=NodeRef.of(territory),
                        party_post=NodeRef.of(secretary.place),
                        other_post=NodeRef.of(held.place),
                    )
                )
    return out


def _cross_posts(held: list[_Held]) -> list[PersonPlaces]:
    """People holding places in two or more bodies, by name then key."""
    by_person: dict[_PERSON_KEY, list[_Held]] = defaultdict(list)
    for h in held:
        if h.key is not None:
            by_person[h.key].append(h)
    out = []
    for key, places in by_person.items():
        if len({h.body.id for h in places}) >= 2:
            first = places[0]
            out.append(
                (
                    (first.name or "", key),
                    PersonPlaces(
                        person=first.name,
                        member=NodeRef.of(first.holder) if first.holder is not None else None,
                        places=[h.placed() for h in sorted(places, key=lambda h: (h.body.id, h.place.id))],
                    ),
                )
            )
    return [p for _, p in sorted(out, key=lambda pair: pair[0])]


def _teams(tree: ScopeTree, territory: Territory) -> list[tuple[Team, list[str]]]:
    """The teams in force serving a territory on the day, with their members then."""
    out = []
    for edge in tree.edges(territory.id, EdgeKind.TEAM_SERVES, Direction.IN):
        team = tree.node(edge.source)
        if isinstance(team, Team) and term_covers(team, tree.day):
            out.append((team, [e.source for e in tree.edges(team.id, EdgeKind.IN_TEAM, Direction.IN)]))
    return out
