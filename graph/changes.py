"""What changed in a scope between two days (变化情况), and each coverage figure month by month (趋势).

Staff report upward every month and quarter, and "what changed since the last report" opens every
review. :func:`changes` reads the scope as it stood on each of the two days and compares:

- territories and organisations created, ended, moved (their parent on the first day is not their
  parent on the second), or moved in and out of the scope;
- each coverage figure then and now, for the scope and for each territory one level down;
- gaps opened and closed (the gap rules on both days, matched by rule and node);
- agreements signed, renewed (signed by the same parties as an earlier one) and expired without renewal;
- seats (兼职委员) and posts (职务) taken and left; members who reported (双报到).

A change happens on its *day*: the first day of the new state (a term's ``valid_from``, the day after
its ``valid_to``, an agreement's ``signed_on``, the day after its ``expires_on``). A change is listed
when ``since < day <= until``: what differs between the state on ``since`` and on ``until``, and
everything dated that began or ended in between, even what began and ended inside the interval.

Cost: each day is two bulk reads of the scope (:meth:`GraphStore.territory_facts` and
:meth:`GraphStore.chain_facts`), shared by its coverage, its gaps, its structure, its agreements
and its posts; then one ``edges_of`` per committee (seats), per unit without an organisation
(agreements signed by the unit itself), and per community, street and industrial park (reports).
A city between two days is four bulk reads plus those few thousand edge reads. :func:`trends` is one
``territory_facts`` per month.

Node properties (households, staff, names) have no history yet: a territory or organisation written
without dated edges reads as if it had always been there, and is listed by nothing here.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field

from graph.coverage import Coverage, CoverageFigures, Figure, coverage, coverage_of_facts
from graph.errors import BadInterval, UnknownNode
from graph.gaps import CATALOGUE, Gap, GapRuleName, GapScope
from graph.history import ChangeKind as History
from graph.history import fields_of
from graph.i18n import _
from graph.labels import FIGURE_LABELS, field_label, term
from graph.model import Agreement, ChangeEvent, EdgeKind, Level, NodeKind, Seat, Territory, UnitType
from graph.norms import NORMS, Norms
from graph.scope import PATH_SEPARATOR, NodeRef, on_date, resolve_scope, valid_on
from graph.store import Direction, GraphStore, OrgFacts, PostFacts, TerritoryFacts

__all__ = [
    "FIGURE_KEYS",
    "AgreementChange",
    "Changes",
    "FieldChange",
    "FigureChange",
    "GapChange",
    "NodeChange",
    "PropertyChanges",
    "ReportChange",
    "ScopeFigures",
    "Series",
    "TermChange",
    "Trends",
    "changes",
    "describe",
    "figures_of",
    "import_day",
    "last_month_end",
    "listed",
    "month_ends",
    "trends",
]

FIGURE_KEYS: tuple[str, ...] = (
    *(name for name, f in CoverageFigures.model_fields.items() if f.annotation is Figure),
    "members_on_roll",
)
"""The figures compared and drawn, by their field of :class:`CoverageFigures` (``members_on_roll`` a count)."""


def figures_of(figures: CoverageFigures) -> dict[str, Figure]:
    """Each figure of :data:`FIGURE_KEYS`; a count (党员总数) as a figure over 0, its rate None."""
    out = {key: getattr(figures, key) for key in FIGURE_KEYS if key != "members_on_roll"}
    out["members_on_roll"] = Figure.of(figures.members_on_roll, 0)
    return out


# -- the answer ----------------------------------------------------------------------------------


class NodeChange(BaseModel):
    """A territory or organisation created, ended, moved, or moved in or out of the scope."""

    change: ChangeEvent
    node: NodeRef
    before: NodeRef | None = Field(description="its parent on the first day (None: none, or not to be named)")
    after: NodeRef | None = Field(description="its parent on the second day")


class FigureChange(BaseModel):
    """One coverage figure on the two days, and the difference."""

    figure: str = Field(description="the field of CoverageFigures")
    label: str = Field(description="its name as staff read it")
    before: Figure
    after: Figure
    numerator_change: int
    denominator_change: int
    rate_change: float | None = Field(description="after's rate less before's; None when either is None")

    @classmethod
    def of(cls, key: str, before: Figure, after: Figure) -> FigureChange:
        rate = after.rate - before.rate if after.rate is not None and before.rate is not None else None
        return cls(
            figure=key,
            label=_(FIGURE_LABELS[key]),
            before=before,
            after=after,
            numerator_change=after.numerator - before.numerator,
            denominator_change=after.denominator - before.denominator,
            rate_change=rate,
        )

    @property
    def changed(self) -> bool:
        return self.numerator_change != 0 or self.denominator_change != 0


class ScopeFigures(BaseModel):
    """Every figure of one territory on the two days (zeros on a day it was not there)."""

    scope: NodeRef
    figures: list[FigureChange]


class GapChange(BaseModel):
    """A gap found on one day and not the other: opened (found on the second), closed (found on the first)."""

    change: ChangeEvent
    gap: Gap


class AgreementChange(BaseModel):
    """A co-building agreement (党建共建协议) signed, renewed or expired without renewal."""

    change: ChangeEvent
    agreement: NodeRef
    day: date
    parties: list[NodeRef]
    renews: str | None = Field(default=None, description="the agreement a renewal follows")


class TermChange(BaseModel):
    """A seat (兼职委员) or post (职务) whose term began (taken) or ended (left)."""

    change: ChangeEvent
    node: NodeRef = Field(description="the seat or post, named by its holder")
    body: NodeRef = Field(description="the committee or body it is on")
    role: str = Field(description="the post or the seat's role, as staff say it")
    day: date


class ReportChange(BaseModel):
    """A member who reported (双报到) to a community, street or industrial park of the scope."""

    member: NodeRef
    to: NodeRef
    day: date


class FieldChange(BaseModel):
    """One property of a node on the two days (JSON values, as the node's history keeps them)."""

    field: str
    before: Any
    after: Any


class PropertyChanges(BaseModel):
    """A node of the scope whose properties differ between the two days (its history: graph.history)."""

    change: ChangeEvent = ChangeEvent.CHANGED
    node: NodeRef
    day: date = Field(description="the last day in the interval a change of it took effect")
    fields: list[FieldChange]


class Changes(BaseModel):
    """变化情况: what changed in a scope from one day to another."""

    scope: NodeRef
    path: str
    since: date
    until: date
    territories: list[NodeChange]
    organisations: list[NodeChange]
    coverage: ScopeFigures = Field(description="the scope's own figures on both days")
    breakdown: list[ScopeFigures] = Field(description="each territory one level down on either day, by name")
    gaps: list[GapChange] = Field(description="gaps opened and closed, in catalogue order")
    agreements: list[AgreementChange]
    seats: list[TermChange]
    posts: list[TermChange]
    reports: list[ReportChange]
    properties: list[PropertyChanges] = Field(
        default_factory=list, description="nodes of the scope whose households, staff, members, name, form... changed"
    )

    @property
    def total(self) -> int:
        """How many changes are listed (figures aside)."""
        listed = (self.territories, self.organisations, self.gaps, self.agreements, self.seats, self.posts, self.reports, self.properties)
        return sum(len(x) for x in listed)


# -- one day of a scope --------------------------------------------------------------------------


@dataclass
class _Day:
    """A scope read on one day: its facts (coverage and gaps read them), its structure, its organisations."""

    day: date
    scope: GapScope
    territories: dict[str, TerritoryFacts] = field(default_factory=dict)
    organisations: dict[str, OrgFacts] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    """Units in the scope on the day, by id, with their name."""
    bare_units: set[str] = field(default_factory=set)
    """Units without an organisation that day (they sign for themselves)."""

    @classmethod
    def read(cls, store: GraphStore, scope_id: str, day: date) -> _Day:
        scope = GapScope(store, scope_id, as_of=day)
        out = cls(day=day, scope=scope, territories={t.id: t for t in scope.territories})
        for org, _where in scope.organisations():
            out.organisations[org.id] = org
        for chain in scope.chain.values():
            for unit in chain.units:
                out.units[unit.id] = unit.name
                if unit.organisation is None:
                    out.bare_units.add(unit.id)
        return out

    def coverage(self, store: GraphStore, norms: Norms) -> Coverage:
        return coverage_of_facts(store, self.scope.root, self.scope.territories, day=self.day, norms=norms)

    def gaps(self, rules: list[GapRuleName] | None, norms: Norms) -> dict[tuple[GapRuleName, str], Gap]:
        return {(gap.rule, gap.node.id): gap for rule in CATALOGUE.chosen(rules) for gap in rule.gaps(self.scope, norms)}


def _placed_on(store: GraphStore, node_id: str, edge_kind: EdgeKind, day: date) -> bool:
    """Whether a node has an edge of the kind (its place, what it covers) valid on a day, anywhere."""
    try:
        return any(valid_on(e, day) for e in store.edges_of(node_id, kind=edge_kind))
    except UnknownNode:
        return False


def _in_interval(day: date | None, since: date, until: date) -> bool:
    return day is not None and since < day <= until


def _after(day: date | None) -> date | None:
    """The first day after a term's last (inclusive) day."""
    return day + timedelta(days=1) if day is not None else None


def _ref(store: GraphStore, node_id: str | None) -> NodeRef | None:
    if node_id is None:
        return None
    try:
        return NodeRef.of(store.node(node_id))
    except UnknownNode:
        return None


def _territory_ref(t: TerritoryFacts) -> NodeRef:
    return NodeRef(id=t.id, kind=NodeKind.TERRITORY, name=t.name, level=t.level)


def _org_ref(o: OrgFacts) -> NodeRef:
    return NodeRef(id=o.id, kind=NodeKind.ORGANISATION, name=o.name, level=o.level)


def _moves(
    store: GraphStore,
    before: Mapping[str, TerritoryFacts | OrgFacts],
    after: Mapping[str, TerritoryFacts | OrgFacts],
    parents: tuple[dict[str, str | None], dict[str, str | None]],
    *,
    edge_kind: EdgeKind,
    since: date,
    until: date,
    created: set[str],
) -> list[NodeChange]:
    """Created, ended, moved, moved in or out: two days' nodes with their parents compared; a node there on both
    days whose history says it was created in between (written with undated edges) is created too."""
    out: list[NodeChange] = []
    then, now = parents
    for node_id in sorted(before.keys() | after.keys()):
        was, is_ = node_id in before, node_id in after
        p1, p2 = then.get(node_id), now.get(node_id)
        if was and is_ and node_id in created:
            kind, p1 = ChangeEvent.CREATED, None
        elif was and is_:
            if p1 == p2:
                continue
            kind = ChangeEvent.MOVED
        elif is_:
            kind = ChangeEvent.MOVED_IN if _placed_on(store, node_id, edge_kind, since) else ChangeEvent.CREATED
        else:
            kind = ChangeEvent.MOVED_OUT if _placed_on(store, node_id, edge_kind, until) else ChangeEvent.ENDED
        if kind is ChangeEvent.MOVED_IN and not p1:
            p1 = _place(store, node_id, edge_kind, since)
        if kind is ChangeEvent.MOVED_OUT and not p2:
            p2 = _place(store, node_id, edge_kind, until)
        facts = after.get(node_id) or before[node_id]
        node = _territory_ref(facts) if isinstance(facts, TerritoryFacts) else _org_ref(facts)  # made only for what changed
        out.append(NodeChange(change=kind, node=node, before=_ref(store, p1), after=_ref(store, p2)))
    return out


def _place(store: GraphStore, node_id: str, edge_kind: EdgeKind, day: date) -> str | None:
    """Where a node lay outside the scope on a day: its WITHIN's target (a territory), or what its REPORTS_TO names."""
    kind = EdgeKind.WITHIN if edge_kind is EdgeKind.WITHIN else EdgeKind.REPORTS_TO
    found = [e.target for e in store.edges_of(node_id, kind=kind) if valid_on(e, day)]
    return found[0] if found else None


# -- changes ------------------------------------------------------------------------------------


def import_day(store: GraphStore, import_id: str) -> date:
    """The day an import of the ledger took effect (its backdated day when it has one, else the day it finished);
    :class:`UnknownNode` when the ledger holds no such import."""
    for record in store.imports(limit=1_000_000):
        if record.id == import_id:
            return record.as_of if record.as_of is not None else record.finished_at.date()
    raise UnknownNode(import_id)


def changes(
    store: GraphStore,
    scope_id: str,
    *,
    since: date | None = None,
    since_import: str | None = None,
    until: date | None = None,
    rules: list[GapRuleName] | None = None,
    norms: Norms = NORMS,
) -> Changes:
    """What changed in a scope from ``since`` to ``until`` (default today); ``since_import`` instead of ``since``:
    from the day before that import took effect, so that what it wrote is listed."""
    if since is None:
        if since_import is None:
            raise BadInterval(_("请给出起始日期（since）或一次导入（since_import）"))
        since = import_day(store, since_import) - timedelta(days=1)
    end = on_date(until)
    if end < since:
        raise BadInterval(_("截止日期 %(until)s 早于起始日期 %(since)s", until=end, since=since))
    root = resolve_scope(store, scope_id)
    first, second = _Day.read(store, root.id, since), _Day.read(store, root.id, end)
    figures = _figure_changes(store, first, second, norms)
    logged = _Logged.read(store, since, end)
    return Changes(
        scope=NodeRef.of(root),
        path=_path(first, second, root),
        since=since,
        until=end,
        territories=_territory_changes(store, first, second, root, created=logged.created),
        organisations=_organisation_changes(store, first, second, created=logged.created),
        coverage=figures[0],
        breakdown=figures[1],
        gaps=_gap_changes(first, second, rules, norms),
        agreements=_agreement_changes(store, first, second),
        seats=_seat_changes(store, first, second),
        posts=_post_changes(first, second),
        reports=_report_changes(store, first, second),
        properties=_property_changes(store, first, second, logged.changed),
    )


def _path(first: _Day, second: _Day, root: Territory) -> str:
    path = second.scope.path(root.id) if root.id in second.territories else first.scope.path(root.id)
    return PATH_SEPARATOR.join(t.name for t in path)


def _territory_changes(store: GraphStore, first: _Day, second: _Day, root: Territory, *, created: set[str]) -> list[NodeChange]:
    before, after = ({tid: t for tid, t in day.territories.items() if tid != root.id} for day in (first, second))
    parents = ({tid: t.parent for tid, t in first.territories.items()}, {tid: t.parent for tid, t in second.territories.items()})
    return _moves(store, before, after, parents, edge_kind=EdgeKind.WITHIN, since=first.day, until=second.day, created=created)


def _organisation_changes(store: GraphStore, first: _Day, second: _Day, *, created: set[str]) -> list[NodeChange]:
    then, now = ({oid: o.parent.id if o.parent else None for oid, o in day.organisations.items()} for day in (first, second))
    return _moves(
        store,
        first.organisations,
        second.organisations,
        (then, now),
        edge_kind=EdgeKind.COVERS,
        since=first.day,
        until=second.day,
        created=created,
    )


def _figure_changes(store: GraphStore, first: _Day, second: _Day, norms: Norms) -> tuple[ScopeFigures, list[ScopeFigures]]:
    """The scope's figures on both days, and each child's (a child there on one day only has zeros on the other)."""
    then, now = first.coverage(store, norms), second.coverage(store, norms)
    empty = figures_of(CoverageFigures.model_validate(_zero_figures()))

    def compare(scope: NodeRef, a: dict[str, Figure] | None, b: dict[str, Figure] | None) -> ScopeFigures:
        a, b = a or empty, b or empty
        return ScopeFigures(scope=scope, figures=[FigureChange.of(key, a[key], b[key]) for key in FIGURE_KEYS])

    was = {c.scope.id: c for c in then.breakdown}
    is_ = {c.scope.id: c for c in now.breakdown}
    children = sorted({**was, **is_}.values(), key=lambda c: (c.scope.name, c.scope.id))
    return (
        compare(now.scope, figures_of(then.figures), figures_of(now.figures)),
        [
            compare(
                c.scope,
                figures_of(was[c.scope.id].figures) if c.scope.id in was else None,
                figures_of(is_[c.scope.id].figures) if c.scope.id in is_ else None,
            )
            for c in children
        ],
    )


def _zero_figures() -> dict[str, object]:
    zero = Figure.of(0, 0)
    values: dict[str, object] = {name: zero for name, f in CoverageFigures.model_fields.items() if f.annotation is Figure}
    return values | {"members_by_category": {}, "unit_members_by_category": {}, "members_on_roll": 0, "staff": None}


def _gap_changes(first: _Day, second: _Day, rules: list[GapRuleName] | None, norms: Norms) -> list[GapChange]:
    then, now = first.gaps(rules, norms), second.gaps(rules, norms)
    order = {name: i for i, name in enumerate(CATALOGUE.names)}
    found = [GapChange(change=ChangeEvent.OPENED, gap=g) for key, g in now.items() if key not in then]
    found += [GapChange(change=ChangeEvent.CLOSED, gap=g) for key, g in then.items() if key not in now]
    return sorted(found, key=lambda c: (order.get(c.gap.rule, len(order)), c.change != ChangeEvent.OPENED, c.gap.path_text, c.gap.node.id))


@dataclass(frozen=True, slots=True)
class _Term:
    """An agreement's term and parties, from the day's facts (or, for a unit signing for itself, its node)."""

    id: str
    signed_on: date
    expires_on: date | None
    parties: frozenset[str]


def _agreements(store: GraphStore, days: tuple[_Day, _Day]) -> dict[str, _Term]:
    """Every agreement on record signed by an organisation or a unit of the scope on either day, by id: from the
    organisations' facts, and for units without an organisation (they sign for themselves) from the store."""
    found: dict[str, _Term] = {}
    bare: set[str] = set()
    for day in days:
        for org in day.organisations.values():
            for a in org.agreements:
                found.setdefault(a.id, _Term(a.id, a.signed_on, a.expires_on, frozenset(p.id for p in a.parties)))
        for unit_id in day.bare_units:
            bare.update(e.source for e in store.edges_of(unit_id, kind=EdgeKind.SIGNED_BY, direction=Direction.IN))
    for agreement_id in sorted(bare - found.keys()):
        node = store.node(agreement_id)
        if isinstance(node, Agreement):
            parties = frozenset(e.target for e in store.edges_of(agreement_id, kind=EdgeKind.SIGNED_BY))
            found[agreement_id] = _Term(agreement_id, node.signed_on, node.expires_on, parties)
    return dict(sorted(found.items()))


def _agreement_ref(agreement_id: str) -> NodeRef:
    return NodeRef(id=agreement_id, kind=NodeKind.AGREEMENT, name=f"共建协议 {agreement_id}")  # as display_name names one


def _agreement_changes(store: GraphStore, first: _Day, second: _Day) -> list[AgreementChange]:
    since, until = first.day, second.day
    found = _agreements(store, (first, second))
    by_parties: dict[frozenset[str], list[_Term]] = {}
    for agreement in found.values():
        by_parties.setdefault(agreement.parties, []).append(agreement)
    out: list[AgreementChange] = []

    def named(agreement: _Term) -> list[NodeRef]:
        return [r for r in (_ref(store, p) for p in sorted(agreement.parties)) if r is not None]

    for aid, agreement in found.items():
        others = [a for a in by_parties[agreement.parties] if a.id != aid]
        if _in_interval(agreement.signed_on, since, until):
            earlier = [a for a in others if a.signed_on < agreement.signed_on]
            renews = max(earlier, key=lambda a: (a.signed_on, a.id)).id if earlier else None
            kind = ChangeEvent.RENEWED if renews else ChangeEvent.SIGNED
            out.append(
                AgreementChange(
                    change=kind, agreement=_agreement_ref(aid), day=agreement.signed_on, parties=named(agreement), renews=renews
                )
            )
        ended = _after(agreement.expires_on)
        if ended is not None and _in_interval(ended, since, until):
            if any(a.signed_on > agreement.signed_on and a.signed_on <= until for a in others):
                continue  # renewed: listed as the renewal
            out.append(AgreementChange(change=ChangeEvent.EXPIRED, agreement=_agreement_ref(aid), day=ended, parties=named(agreement)))
    return sorted(out, key=lambda c: (c.day, c.agreement.id))


def _terms(node: Seat | PostFacts, since: date, until: date) -> Iterator[tuple[ChangeEvent, date]]:
    if node.valid_from is not None and _in_interval(node.valid_from, since, until):
        yield ChangeEvent.TAKEN, node.valid_from
    ended = _after(node.valid_to)
    if ended is not None and _in_interval(ended, since, until):
        yield ChangeEvent.LEFT, ended


def _seat_changes(store: GraphStore, first: _Day, second: _Day) -> list[TermChange]:
    """Seats on the scope's committees, and seats held for its units elsewhere (they belong to the scope too)."""
    seat_ids: set[str] = set()
    for day in (first, second):
        for org in day.organisations.values():
            if org.level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY):
                seat_ids.update(e.source for e in store.edges_of(org.id, kind=EdgeKind.SEAT_ON, direction=Direction.IN))
        for unit_id in day.units:
            seat_ids.update(e.source for e in store.edges_of(unit_id, kind=EdgeKind.ON_BEHALF_OF, direction=Direction.IN))
    out: list[TermChange] = []
    for seat_id in sorted(seat_ids):
        seat = store.node(seat_id)
        if not isinstance(seat, Seat):
            continue
        committee = next((e.target for e in store.edges_of(seat_id, kind=EdgeKind.SEAT_ON)), None)
        body = _ref(store, committee)
        if body is None:
            continue
        for kind, when in _terms(seat, first.day, second.day):
            out.append(TermChange(change=kind, node=NodeRef.of(seat), body=body, role=seat.role or _("兼职委员"), day=when))
    return sorted(out, key=lambda c: (c.day, c.body.name, c.node.id))


def _post_changes(first: _Day, second: _Day) -> list[TermChange]:
    """Posts in the scope's organisations and units (a residents' committee's 主任 too), from the days' facts."""
    bodies: dict[str, NodeRef] = {}
    posts: dict[str, tuple[PostFacts, str]] = {}
    for day in (first, second):
        for org in day.organisations.values():
            bodies[org.id] = _org_ref(org)
            posts.update((p.id, (p, org.id)) for p in org.posts)
        for chain in day.scope.chain.values():
            for unit in chain.units:
                bodies[unit.id] = NodeRef(id=unit.id, kind=NodeKind.UNIT, name=unit.name)
                posts.update((p.id, (p, unit.id)) for p in unit.posts)
    out: list[TermChange] = []
    for post_id, (post, body) in sorted(posts.items()):
        for kind, when in _terms(post, first.day, second.day):
            node = NodeRef(id=post_id, kind=NodeKind.POST, name=post.person or f"职务 {post_id}")  # as display_name names one
            out.append(TermChange(change=kind, node=node, body=bodies[body], role=term(post.post), day=when))
    return sorted(out, key=lambda c: (c.day, c.body.name, c.node.id))


def _report_changes(store: GraphStore, first: _Day, second: _Day) -> list[ReportChange]:
    """Reports (REPORTED_TO) dated in the interval to the scope's communities, streets and industrial parks."""
    places: dict[str, NodeRef] = {}
    for day in (first, second):
        for t in day.territories.values():
            if t.level in (Level.COMMUNITY, Level.STREET):
                places[t.id] = _territory_ref(t)
        for chain in day.scope.chain.values():
            for unit in chain.units:
                if unit.unit_type is UnitType.INDUSTRIAL_PARK:
                    places[unit.id] = NodeRef(id=unit.id, kind=NodeKind.UNIT, name=unit.name)
    out: list[ReportChange] = []
    for place_id, place in places.items():
        for e in store.edges_of(place_id, kind=EdgeKind.REPORTED_TO, direction=Direction.IN):
            if _in_interval(e.valid_from, first.day, second.day) and e.valid_from is not None:
                member = _ref(store, e.source)
                if member is not None:
                    out.append(ReportChange(member=member, to=place, day=e.valid_from))
    return sorted(out, key=lambda c: (c.day, c.to.name, c.member.id))


@dataclass(frozen=True)
class _Logged:
    """What the nodes' history (graph.history) says of the interval: nodes created in it, and nodes changed in it
    with the last day of their change. One pass over the store's log entries of the interval."""

    created: set[str]
    changed: dict[str, date]

    @classmethod
    def read(cls, store: GraphStore, since: date, until: date) -> _Logged:
        created: set[str] = set()
        changed: dict[str, date] = {}
        for node_id, entry in store.history_between(since, until):
            if entry.what is History.CREATED:
                created.add(node_id)
            elif entry.what is History.CHANGED:
                changed[node_id] = max(changed.get(node_id, entry.day), entry.day)
        return cls(created=created, changed=changed)


_PERSONAL = frozenset({"phone", "properties"})
"""Fields a change listing leaves out: a phone and extra columns are personal data the policy masks for viewers."""


def _property_changes(store: GraphStore, first: _Day, second: _Day, changed: dict[str, date]) -> list[PropertyChanges]:
    """The nodes of the scope (territories, organisations, units, household heads, in-service members) whose properties
    on the second day differ from the first, each field with its two values."""
    if not changed:
        return []
    mine: set[str] = set()
    for day in (first, second):
        mine.update(day.territories, day.organisations, day.units)
        for chain in day.scope.chain.values():
            mine.update(h.id for h in chain.heads)
            mine.update(m.id for m in chain.in_service)
    out: list[PropertyChanges] = []
    for node_id in sorted(mine & changed.keys()):
        try:
            before, after = store.node_on(node_id, first.day), store.node_on(node_id, second.day)
        except UnknownNode:
            continue
        was, is_ = fields_of(before), fields_of(after)
        fields = [
            FieldChange(field=name, before=was.get(name), after=is_.get(name))
            for name in sorted(was.keys() | is_.keys())
            if name not in _PERSONAL and was.get(name) != is_.get(name)
        ]
        if fields:
            out.append(PropertyChanges(node=NodeRef.of(after), day=changed[node_id], fields=fields))
    return sorted(out, key=lambda c: (c.day, c.node.id))


# -- what a person reads --------------------------------------------------------------------------


def _name(ref: NodeRef | None) -> str:
    return ref.name if ref is not None else _("（范围外）")


def describe(change: NodeChange | AgreementChange | TermChange | ReportChange | GapChange | PropertyChanges) -> str:
    """One change as a line a person reads, in the reader's language."""
    if isinstance(change, PropertyChanges):
        fields = _("，").join(
            _("%(field)s 由 %(before)s 改为 %(after)s", field=field_label(f.field), before=_value(f.before), after=_value(f.after))
            for f in change.fields
        )
        return _("%(day)s %(name)s：%(fields)s", day=change.day, name=change.node.name, fields=fields)
    if isinstance(change, NodeChange):
        what = f"{term(change.node.level)} {change.node.name}" if change.node.level else change.node.name
        if change.change is ChangeEvent.MOVED:
            return _("%(what)s 从 %(before)s 调整到 %(after)s", what=what, before=_name(change.before), after=_name(change.after))
        if change.change is ChangeEvent.MOVED_IN:
            return _("%(what)s 从 %(before)s 划入", what=what, before=_name(change.before))
        if change.change is ChangeEvent.MOVED_OUT:
            return _("%(what)s 划出到 %(after)s", what=what, after=_name(change.after))
        if change.change is ChangeEvent.CREATED:
            return _("新设 %(what)s（隶属 %(after)s）", what=what, after=_name(change.after))
        return _("撤销 %(what)s（原隶属 %(before)s）", what=what, before=_name(change.before))
    if isinstance(change, AgreementChange):
        parties = "、".join(p.name for p in change.parties)
        if change.change is ChangeEvent.RENEWED:
            return _("%(day)s 续签共建协议 %(id)s（%(parties)s）", day=change.day, id=change.agreement.id, parties=parties)
        if change.change is ChangeEvent.SIGNED:
            return _("%(day)s 签订共建协议 %(id)s（%(parties)s）", day=change.day, id=change.agreement.id, parties=parties)
        return _("%(day)s 共建协议 %(id)s 到期未续签（%(parties)s）", day=change.day, id=change.agreement.id, parties=parties)
    if isinstance(change, TermChange):
        if change.change is ChangeEvent.TAKEN:
            return _("%(day)s %(who)s 任 %(body)s %(role)s", day=change.day, who=change.node.name, body=change.body.name, role=change.role)
        return _("%(day)s %(who)s 离任 %(body)s %(role)s", day=change.day, who=change.node.name, body=change.body.name, role=change.role)
    if isinstance(change, ReportChange):
        return _("%(day)s %(who)s 到 %(place)s 报到", day=change.day, who=change.member.name, place=change.to.name)
    if change.change is ChangeEvent.OPENED:
        return _("新增短板：%(path)s（%(rule)s）", path=change.gap.path_text, rule=_rule_title(change.gap.rule))
    return _("消除短板：%(path)s（%(rule)s）", path=change.gap.path_text, rule=_rule_title(change.gap.rule))


def _rule_title(rule: GapRuleName) -> str:
    """A gap rule as a person reads it: its title in the reader's language (its name when it is no built-in rule)."""
    try:
        return _(CATALOGUE[rule].meta.title)
    except KeyError:
        return str(rule)


def _value(value: Any) -> str:
    return _("（空）") if value is None or value == "" else str(value)


def listed(found: Changes) -> Iterator[tuple[str, ChangeEvent, str]]:
    """Every change listed, as (section, kind, line): what the command line, the dashboard and the report show."""
    sections: Iterable[tuple[str, Sequence[NodeChange | AgreementChange | TermChange | ReportChange | GapChange | PropertyChanges]]] = (
        (_("地域"), found.territories),
        (_("党组织"), found.organisations),
        (_("共建协议"), found.agreements),
        (_("兼职委员"), found.seats),
        (_("职务"), found.posts),
        (_("双报到"), found.reports),
        (_("属性"), found.properties),
        (_("短板"), found.gaps),
    )
    for section, items in sections:
        for item in items:
            kind = item.change if not isinstance(item, ReportChange) else ChangeEvent.REPORTED
            yield section, kind, describe(item)


# -- trends -------------------------------------------------------------------------------------


class Series(BaseModel):
    """One figure month by month."""

    figure: str
    label: str
    points: list[Figure] = Field(description="one per month end of Trends.months")


class Trends(BaseModel):
    """趋势: each coverage figure of a scope at each month end."""

    scope: NodeRef
    months: list[date] = Field(description="the month ends, oldest first (the last may be the day asked for)")
    series: list[Series]


def month_ends(since: date, until: date) -> list[date]:
    """Each month's last day from ``since``'s month to ``until``'s, ``until`` itself standing for its unfinished month."""
    out: list[date] = []
    year, month = since.year, since.month
    while (year, month) <= (until.year, until.month):
        last = date(year, month, calendar.monthrange(year, month)[1])
        if last >= since:
            out.append(min(last, until))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def trends(store: GraphStore, scope_id: str, *, since: date | None = None, until: date | None = None, norms: Norms = NORMS) -> Trends:
    """Each figure of a scope at every month end from ``since`` to ``until`` (default: the twelve months to today)."""
    end = on_date(until)
    start = since if since is not None else _months_before(end, 11)
    if end < start:
        raise BadInterval(_("截止日期 %(until)s 早于起始日期 %(since)s", until=end, since=start))
    root = resolve_scope(store, scope_id)
    months = month_ends(start, end)
    points = [figures_of(coverage(store, root.id, as_of=day, norms=norms).figures) for day in months]
    return Trends(
        scope=NodeRef.of(root),
        months=months,
        series=[Series(figure=key, label=_(FIGURE_LABELS[key]), points=[p[key] for p in points]) for key in FIGURE_KEYS],
    )


def last_month_end(day: date) -> date:
    """The last day of the month before ``day``'s: where "changes since the last report" start."""
    return day.replace(day=1) - timedelta(days=1)


def _months_before(day: date, n: int) -> date:
    """The first day of the month ``n`` months before ``day``'s."""
    index = day.year * 12 + day.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)
