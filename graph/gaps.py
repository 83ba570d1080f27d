"""Gaps (薄弱环节): a catalogue of named rules from the seed articles, each finding where a scope's network is thin.

Every rule has a name, the parameters it reads with their defaults from DOMAIN.md, and
answers with the offending nodes, each with its chain path (街道 › 社区 › 小区 › 网格) and
the reason in words. :func:`find_gaps` lists them a page at a time; :func:`count_gaps`
counts them per rule without a listing to page through.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field

from graph.model import Level, NodeKind, OrgForm, UnitType
from graph.norms import Norms
from graph.scope import PATH_SEPARATOR, NodeRef, ancestors, on_date, resolve_scope
from graph.store import AgreementFacts, GraphStore, OrgFacts, PartyRef, TerritoryFacts

__all__ = [
    "CATALOGUE",
    "Gap",
    "GapCount",
    "GapPage",
    "GapRule",
    "GapRuleName",
    "RuleParameter",
    "count_gaps",
    "find_gaps",
    "gap_rules",
]


class GapRuleName(StrEnum):
    """The names of the gap rules, as clients filter by them."""

    AREA_WITHOUT_BRANCH = "area_without_branch"
    GRID_WITHOUT_GROUP = "grid_without_group"
    COMMUNITY_WITHOUT_ORGANISATION = "community_without_organisation"
    HANGING_ORGANISATION = "hanging_organisation"
    UNLINKED_HOUSEHOLDS = "unlinked_households"
    HEAD_OVER_NORM = "head_over_norm"
    COMMITTEE_UNDER_THRESHOLD = "committee_under_threshold"
    COMMUNITY_OVER_THRESHOLD_NOT_COMMITTEE = "community_over_threshold_not_committee"
    BRANCH_UNDER_MINIMUM = "branch_under_minimum"
    COMMUNITY_WITHOUT_AGREEMENT = "community_without_agreement"
    AGREEMENT_EXPIRED = "agreement_expired"
    AGREEMENT_EXPIRING = "agreement_expiring"
    PROPERTY_COMPANY_WITHOUT_ORGANISATION = "property_company_without_organisation"
    OWNERS_COMMITTEE_WITHOUT_ORGANISATION = "owners_committee_without_organisation"
    COMMITTEE_WITHOUT_CONCURRENT_MEMBER = "committee_without_concurrent_member"
    UNDER_STAFFED = "under_staffed"


class RuleParameter(BaseModel):
    """One parameter a rule reads, with its default."""

    name: str
    default: int | float
    description: str


class GapRule(BaseModel):
    """One named rule of the catalogue."""

    name: GapRuleName
    title: str = Field(description="the rule in Chinese, as staff say it")
    description: str = Field(description="what the rule finds, in English")
    node_kind: str = Field(description="the kind of node it lists")
    parameters: list[RuleParameter]
    source: str = Field(description="where the rule comes from (seed article or party rules)")


class Gap(BaseModel):
    """One offending node: which rule, where in the chain, and why."""

    rule: GapRuleName
    node: NodeRef
    path: list[NodeRef] = Field(description="territories from the street down to where the node sits")
    path_text: str = Field(description="街道 › 社区 › 小区 › 网格, then the node itself when it is not a territory")
    reason: str


class GapPage(BaseModel):
    """A page of gaps of a scope, in catalogue order, then down the chain."""

    scope: NodeRef
    as_of: date
    rules: list[GapRuleName] = Field(description="the rules asked about")
    items: list[Gap]
    total: int
    limit: int
    offset: int


class GapCount(BaseModel):
    """How many gaps a scope has, per rule, without listing them."""

    scope: NodeRef
    as_of: date
    total: int
    by_rule: dict[GapRuleName, int] = Field(description="every rule asked about, zeros included")


class _Scope:
    """A scope's territories on a day in reading order (parents first, siblings by name), with the
    facts the rules read, from two store calls: :meth:`GraphStore.territory_facts` and
    :meth:`GraphStore.chain_facts`."""

    def __init__(self, store: GraphStore, scope_id: str, *, as_of: date | None) -> None:
        self.day = on_date(as_of)
        self.root = resolve_scope(store, scope_id)
        facts = store.territory_facts(self.root.id, day=self.day)
        self.chain = {c.id: c for c in store.chain_facts(self.root.id, day=self.day)}
        children: dict[str | None, list[TerritoryFacts]] = defaultdict(list)
        for f in facts:
            children[f.parent].append(f)
        above = [NodeRef.of(t) for t in reversed(ancestors(store, self.root.id, self.day))]
        self.territories: list[TerritoryFacts] = []
        self._inside: dict[str, list[NodeRef]] = {}
        self.grid_households: dict[str, int] = {}
        stack = [(f, above) for f in children[None]]
        while stack:
            territory, before = stack.pop()
            path = [*before, NodeRef(id=territory.id, kind=NodeKind.TERRITORY, name=territory.name, level=territory.level)]
            self.territories.append(territory)
            self._inside[territory.id] = path
            kids = sorted(children[territory.id], key=lambda t: (t.name, t.id))
            stack.extend((kid, path) for kid in reversed(kids))
        for territory in reversed(self.territories):  # children before parents
            own = (territory.households or 0) if territory.level is Level.GRID else 0
            total = self.grid_households.get(territory.id, 0) + own
            self.grid_households[territory.id] = total
            if territory.parent is not None:
                self.grid_households[territory.parent] = self.grid_households.get(territory.parent, 0) + total

    def of_level(self, level: Level) -> list[TerritoryFacts]:
        return [t for t in self.territories if t.level is level]

    def path(self, territory_id: str) -> list[NodeRef]:
        """From the street down to a territory (the district only when it is the one asked for)."""
        full = self._inside[territory_id]
        return [t for t in full if t.level is not Level.DISTRICT] or full

    def organisation(self, territory_id: str) -> OrgFacts | None:
        return self.chain[territory_id].organisation


@dataclass(frozen=True)
class _Rule:
    meta: GapRule
    find: Callable[[_Scope, Norms], Iterator[Gap]]


def _param(name: str) -> RuleParameter:
    spec = Norms.model_fields[name]
    assert isinstance(spec.default, int | float)
    return RuleParameter(name=name, default=spec.default, description=spec.description or "")


def _gap(scope: _Scope, rule: GapRuleName, node: NodeRef, where: str, reason: str) -> Gap:
    path = scope.path(where)
    names = [t.name for t in path]
    if node.kind is not NodeKind.TERRITORY:
        names.append(node.name)
    return Gap(rule=rule, node=node, path=path, path_text=PATH_SEPARATOR.join(names), reason=reason)


def _ref(territory: TerritoryFacts) -> NodeRef:
    return NodeRef(id=territory.id, kind=NodeKind.TERRITORY, name=territory.name, level=territory.level)


def _org_ref(org: OrgFacts) -> NodeRef:
    return NodeRef(id=org.id, kind=NodeKind.ORGANISATION, name=org.name, level=org.level)


# -- the rules ------------------------------------------------------------------------------


def _area_without_branch(scope: _Scope, _: Norms) -> Iterator[Gap]:
    for area in scope.of_level(Level.RESIDENTIAL_AREA):
        if not area.covered:
            yield _gap(
                scope, GapRuleName.AREA_WITHOUT_BRANCH, _ref(area), area.id, f"小区 {area.name} has no residential-area branch (小区党支部)"
            )


def _grid_without_group(scope: _Scope, _: Norms) -> Iterator[Gap]:
    for grid in scope.of_level(Level.GRID):
        if not grid.covered:
            yield _gap(scope, GapRuleName.GRID_WITHOUT_GROUP, _ref(grid), grid.id, f"网格 {grid.name} has no grid group (网格党小组)")


def _community_without_organisation(scope: _Scope, _: Norms) -> Iterator[Gap]:
    for community in scope.of_level(Level.COMMUNITY):
        if not community.covered:
            yield _gap(
                scope,
                GapRuleName.COMMUNITY_WITHOUT_ORGANISATION,
                _ref(community),
                community.id,
                f"社区 {community.name} has no community party organisation (社区党委 / 党总支 / 党支部)",
            )


_UNIT_ORG_PARENTS = (Level.STREET, Level.COMMUNITY)


def _orgs_in_scope(scope: _Scope) -> Iterator[tuple[OrgFacts, TerritoryFacts]]:
    """Each organisation of the chain covering a territory of the scope, then each unit's own, with where it sits."""
    for territory in scope.territories:
        chain = scope.chain[territory.id]
        if chain.organisation is not None:
            yield chain.organisation, territory
        if territory.level is Level.COMMUNITY:
            for unit in chain.units:
                if unit.organisation is not None:
                    yield unit.organisation, territory


def _hanging_organisation(scope: _Scope, _: Norms) -> Iterator[Gap]:
    for org, where in _orgs_in_scope(scope):
        if org.level is Level.DISTRICT:
            continue  # the district committee heads the chain in this graph
        parent = org.parent
        if org.level is Level.UNIT:
            wanted = "a street or community organisation (属地管理)"
            fits = parent is not None and parent.level in _UNIT_ORG_PARENTS
        else:
            up = org.level.up
            assert up is not None
            wanted = f"an organisation of level {up.value}, one level up"
            fits = parent is not None and parent.level is up
        if fits:
            continue
        if parent is None:
            reason = f"{org.name} reports to no organisation (挂空挡); it should report to {wanted}"
        else:
            reason = f"{org.name} reports to {parent.name}, of level {parent.level.value}; it should report to {wanted}"
        yield _gap(scope, GapRuleName.HANGING_ORGANISATION, _org_ref(org), where.id, reason)


def _unlinked_households(scope: _Scope, _: Norms) -> Iterator[Gap]:
    for grid in scope.of_level(Level.GRID):
        households = grid.households or 0
        linked = grid.linked
        if linked < households:
            yield _gap(
                scope,
                GapRuleName.UNLINKED_HOUSEHOLDS,
                _ref(grid),
                grid.id,
                f"household heads (党员联户长) link {linked} of {households} households; {households - linked} are unlinked",
            )


def _head_over_norm(scope: _Scope, settings: Norms) -> Iterator[Gap]:
    ceiling = settings.households_per_head * (1 + settings.head_tolerance)
    for grid in scope.of_level(Level.GRID):
        for head in scope.chain[grid.id].heads:
            if head.households > ceiling:
                yield _gap(
                    scope,
                    GapRuleName.HEAD_OVER_NORM,
                    NodeRef(id=head.id, kind=NodeKind.MEMBER, name=head.name),
                    grid.id,
                    f"household head {head.name} links {head.households} households; the norm is about "
                    f"{settings.households_per_head} (十联户), flagged above {ceiling:g}",
                )


def _community_orgs(scope: _Scope) -> Iterator[tuple[TerritoryFacts, OrgFacts]]:
    for community in scope.of_level(Level.COMMUNITY):
        org = scope.organisation(community.id)
        if org is not None:
            yield community, org


def _committee_under_threshold(scope: _Scope, settings: Norms) -> Iterator[Gap]:
    for community, org in _community_orgs(scope):
        if org.form is OrgForm.COMMITTEE and org.members < settings.committee_threshold and not org.upgraded:
            yield _gap(
                scope,
                GapRuleName.COMMITTEE_UNDER_THRESHOLD,
                _org_ref(org),
                community.id,
                f"{org.name} is a committee (党委) with {org.members} members, under {settings.committee_threshold}, "
                "and was not upgraded by decision (特批升格)",
            )


def _community_over_threshold_not_committee(scope: _Scope, settings: Norms) -> Iterator[Gap]:
    for community, org in _community_orgs(scope):
        if org.form is not OrgForm.COMMITTEE and org.members >= settings.committee_threshold:
            yield _gap(
                scope,
                GapRuleName.COMMUNITY_OVER_THRESHOLD_NOT_COMMITTEE,
                _org_ref(org),
                community.id,
                f"{org.name} has {org.members} members, {settings.committee_threshold} or more, "
                f"and is still a {org.form.value}, not a committee (党委)",
            )


def _branch_under_minimum(scope: _Scope, settings: Norms) -> Iterator[Gap]:
    for org, where in _orgs_in_scope(scope):
        if org.form is OrgForm.BRANCH and org.members < settings.branch_min_members:
            yield _gap(
                scope,
                GapRuleName.BRANCH_UNDER_MINIMUM,
                _org_ref(org),
                where.id,
                f"branch {org.name} has {org.members} full members; a branch (党支部) needs at least {settings.branch_min_members}",
            )


def _holds(agreement: AgreementFacts, party_id: str, day: date) -> bool:
    """In force on the day by its own term, and by its SIGNED_BY edge to this party."""
    in_force = agreement.signed_on <= day and (agreement.expires_on is None or day <= agreement.expires_on)
    return in_force and party_id in agreement.parties_on_day


def _community_without_agreement(scope: _Scope, _: Norms) -> Iterator[Gap]:
    for community, org in _community_orgs(scope):
        on_record = org.agreements
        if any(_holds(a, org.id, scope.day) for a in on_record):
            continue
        detail = f" ({len(on_record)} on record, none in force)" if on_record else ""
        yield _gap(
            scope,
            GapRuleName.COMMUNITY_WITHOUT_AGREEMENT,
            _ref(community),
            community.id,
            f"社区 {community.name} has no co-building agreement (党建共建协议) in force on {scope.day}{detail}",
        )


def _agreements_in_scope(scope: _Scope) -> Iterator[tuple[TerritoryFacts, OrgFacts, AgreementFacts, list[PartyRef]]]:
    """Each agreement a community organisation of the scope signed, with its other parties."""
    for community, org in _community_orgs(scope):
        for agreement in org.agreements:
            yield community, org, agreement, [p for p in agreement.parties if p.id != org.id]


def _partner_names(partners: list[PartyRef]) -> str:
    return ", ".join(p.name for p in partners) or "no other party"


def _agreement_ref(agreement: AgreementFacts) -> NodeRef:
    return NodeRef(id=agreement.id, kind=NodeKind.AGREEMENT, name=f"共建协议 {agreement.id}")


def _agreement_expired(scope: _Scope, _: Norms) -> Iterator[Gap]:
    for community, org, agreement, partners in _agreements_in_scope(scope):
        expires = agreement.expires_on
        if expires is None or expires >= scope.day:
            continue
        # Renewed when another agreement holds on the day for the organisation and one of these partners;
        # holding for the organisation, it is one the organisation signed.
        renewed = any(
            other.id != agreement.id and _holds(other, org.id, scope.day) and _holds(other, partner.id, scope.day)
            for other in org.agreements
            for partner in partners
        )
        if renewed:
            continue  # the same two parties have signed again: history, not a gap
        yield _gap(
            scope,
            GapRuleName.AGREEMENT_EXPIRED,
            _agreement_ref(agreement),
            community.id,
            f"the agreement with {_partner_names(partners)} expired on {expires} and has not been renewed",
        )


def _agreement_expiring(scope: _Scope, settings: Norms) -> Iterator[Gap]:
    horizon = scope.day + timedelta(days=settings.expiring_within_days)
    for community, _, agreement, partners in _agreements_in_scope(scope):
        expires = agreement.expires_on
        if expires is None or expires < scope.day or expires > horizon or agreement.signed_on > scope.day:
            continue
        days = (expires - scope.day).days
        yield _gap(
            scope,
            GapRuleName.AGREEMENT_EXPIRING,
            _agreement_ref(agreement),
            community.id,
            f"the agreement with {_partner_names(partners)} expires on {expires}, in {days} days (within {settings.expiring_within_days})",
        )


def _units_without_organisation(unit_type: UnitType, rule: GapRuleName, what: str) -> Callable[[_Scope, Norms], Iterator[Gap]]:
    def find(scope: _Scope, _: Norms) -> Iterator[Gap]:
        for community in scope.of_level(Level.COMMUNITY):
            for unit in scope.chain[community.id].units:
                if unit.unit_type is unit_type and unit.organisation is None:
                    ref = NodeRef(id=unit.id, kind=NodeKind.UNIT, name=unit.name)
                    yield _gap(scope, rule, ref, community.id, f"{what} {unit.name} has no party organisation of its own")

    return find


def _committee_without_concurrent_member(scope: _Scope, _: Norms) -> Iterator[Gap]:
    for community, org in _community_orgs(scope):
        if org.form is OrgForm.COMMITTEE and not org.seats:
            yield _gap(
                scope,
                GapRuleName.COMMITTEE_WITHOUT_CONCURRENT_MEMBER,
                _org_ref(org),
                community.id,
                f"{org.name} has no concurrent member (兼职委员) from a resident unit on {scope.day}: its big committee (大党委) is empty",
            )


def _under_staffed(scope: _Scope, settings: Norms) -> Iterator[Gap]:
    for community in scope.of_level(Level.COMMUNITY):
        households = scope.grid_households[community.id]
        needed = math.ceil(households / settings.households_per_worker)
        staff = community.staff or 0
        if staff < needed:
            recorded = "no full-time staff on record" if community.staff is None else f"{staff} full-time staff"
            yield _gap(
                scope,
                GapRuleName.UNDER_STAFFED,
                _ref(community),
                community.id,
                f"社区 {community.name} has {recorded} for {households} households; "
                f"one per {settings.households_per_worker} needs {needed}",
            )


def _meta(name: GapRuleName, title: str, description: str, node_kind: str, source: str, *params: str) -> GapRule:
    return GapRule(
        name=name, title=title, description=description, node_kind=node_kind, parameters=[_param(p) for p in params], source=source
    )


_N = GapRuleName
_RULES: list[_Rule] = [
    _Rule(
        _meta(
            _N.AREA_WITHOUT_BRANCH,
            "小区未建党支部",
            "a residential area no branch covers",
            "territory",
            "Heshan, Duyun, Suyu (覆盖盲区)",
        ),
        _area_without_branch,
    ),
    _Rule(
        _meta(_N.GRID_WITHOUT_GROUP, "网格未建党小组", "a grid no grid group covers", "territory", "Duyun, Suyu (覆盖盲区)"),
        _grid_without_group,
    ),
    _Rule(
        _meta(_N.COMMUNITY_WITHOUT_ORGANISATION, "社区未建党组织", "a community no party organisation covers", "territory", "Duyun"),
        _community_without_organisation,
    ),
    _Rule(
        _meta(
            _N.HANGING_ORGANISATION,
            "党组织挂空挡",
            "an organisation with no parent, or a parent of the wrong level (a unit's reports to its street or community)",
            "organisation",
            "Duyun (五级党建链接)",
        ),
        _hanging_organisation,
    ),
    _Rule(
        _meta(
            _N.UNLINKED_HOUSEHOLDS,
            "网格有未联系户",
            "a grid whose household heads link fewer households than it has",
            "territory",
            "Duyun (十联户)",
        ),
        _unlinked_households,
    ),
    _Rule(
        _meta(
            _N.HEAD_OVER_NORM,
            "联户长联系户数超标",
            "a household head linking well over the norm",
            "member",
            "Duyun (十联户)",
            "households_per_head",
            "head_tolerance",
        ),
        _head_over_norm,
    ),
    _Rule(
        _meta(
            _N.COMMITTEE_UNDER_THRESHOLD,
            "社区党委党员数不足",
            "a community committee under the member threshold, not upgraded by decision",
            "organisation",
            "Heshan",
            "committee_threshold",
        ),
        _committee_under_threshold,
    ),
    _Rule(
        _meta(
            _N.COMMUNITY_OVER_THRESHOLD_NOT_COMMITTEE,
            "社区党组织应升格未升格",
            "a community organisation at or over the threshold that is still a branch or general branch",
            "organisation",
            "Heshan",
            "committee_threshold",
        ),
        _community_over_threshold_not_committee,
    ),
    _Rule(
        _meta(
            _N.BRANCH_UNDER_MINIMUM,
            "党支部正式党员不足",
            "a branch of the chain or of a unit with too few full members",
            "organisation",
            "party rules",
            "branch_min_members",
        ),
        _branch_under_minimum,
    ),
    _Rule(
        _meta(
            _N.COMMUNITY_WITHOUT_AGREEMENT,
            "社区无共建协议",
            "a community whose organisation has no co-building agreement in force",
            "territory",
            "Fuzhou",
        ),
        _community_without_agreement,
    ),
    _Rule(
        _meta(
            _N.AGREEMENT_EXPIRED,
            "共建协议已到期",
            "an agreement past its term that the same parties have not renewed",
            "agreement",
            "Fuzhou",
        ),
        _agreement_expired,
    ),
    _Rule(
        _meta(
            _N.AGREEMENT_EXPIRING,
            "共建协议即将到期",
            "an agreement in force whose term ends within the given days",
            "agreement",
            "Fuzhou",
            "expiring_within_days",
        ),
        _agreement_expiring,
    ),
    _Rule(
        _meta(
            _N.PROPERTY_COMPANY_WITHOUT_ORGANISATION,
            "物业服务企业未建党组织",
            "a property-service company without a party organisation",
            "unit",
            "Fuzhou (92.7%)",
        ),
        _units_without_organisation(UnitType.PROPERTY_COMPANY, _N.PROPERTY_COMPANY_WITHOUT_ORGANISATION, "property company"),
    ),
    _Rule(
        _meta(
            _N.OWNERS_COMMITTEE_WITHOUT_ORGANISATION,
            "业主委员会未建党组织",
            "an owners' committee without a party organisation",
            "unit",
            "Fuzhou (68.1%)",
        ),
        _units_without_organisation(UnitType.OWNERS_COMMITTEE, _N.OWNERS_COMMITTEE_WITHOUT_ORGANISATION, "owners' committee"),
    ),
    _Rule(
        _meta(
            _N.COMMITTEE_WITHOUT_CONCURRENT_MEMBER,
            "大党委无兼职委员",
            "a community committee with no concurrent member from a resident unit",
            "organisation",
            "Duyun (38 兼职委员)",
        ),
        _committee_without_concurrent_member,
    ),
    _Rule(
        _meta(
            _N.UNDER_STAFFED,
            "社区专职人员不足",
            "a community with fewer full-time staff than one per N households",
            "territory",
            "Heshan (1 per 300 households)",
            "households_per_worker",
        ),
        _under_staffed,
    ),
]
CATALOGUE: dict[GapRuleName, _Rule] = {rule.meta.name: rule for rule in _RULES}
assert set(CATALOGUE) == set(GapRuleName), "every rule name has its rule"
_RULE_NAMES = frozenset(name.value for name in GapRuleName)


def gap_rules() -> list[GapRule]:
    """The catalogue of gap rules, with their parameters and defaults."""
    return [rule.meta for rule in _RULES]


def _chosen(rules: Collection[GapRuleName | str] | None) -> list[GapRuleName]:
    """The rules asked for, in catalogue order; ValueError names an unknown one."""
    if not rules:
        return list(CATALOGUE)
    unknown = sorted(str(r) for r in rules if r not in _RULE_NAMES)
    if unknown:
        raise ValueError(f"unknown gap rule {', '.join(unknown)}; the rules are {', '.join(CATALOGUE)}")
    wanted = {GapRuleName(r) for r in rules}
    return [name for name in CATALOGUE if name in wanted]


def _all_gaps(scope: _Scope, rules: list[GapRuleName], settings: Norms) -> dict[GapRuleName, list[Gap]]:
    return {name: list(CATALOGUE[name].find(scope, settings)) for name in rules}


def find_gaps(
    store: GraphStore,
    scope_id: str,
    *,
    rules: Collection[GapRuleName | str] | None = None,
    settings: Norms | None = None,
    as_of: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> GapPage:
    """A page of the gaps of a scope under the chosen rules (all when None), as things stood on ``as_of`` (default today)."""
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset are 0 or more")
    chosen = _chosen(rules)
    tree = _Scope(store, scope_id, as_of=as_of)
    found = [gap for listed in _all_gaps(tree, chosen, settings or Norms()).values() for gap in listed]
    return GapPage(
        scope=NodeRef.of(tree.root),
        as_of=tree.day,
        rules=chosen,
        items=found[offset : offset + limit],
        total=len(found),
        limit=limit,
        offset=offset,
    )


def count_gaps(
    store: GraphStore,
    scope_id: str,
    *,
    rules: Collection[GapRuleName | str] | None = None,
    settings: Norms | None = None,
    as_of: date | None = None,
) -> GapCount:
    """How many gaps a scope has under each chosen rule (all when None), as things stood on ``as_of``."""
    chosen = _chosen(rules)
    tree = _Scope(store, scope_id, as_of=as_of)
    counts = {name: len(listed) for name, listed in _all_gaps(tree, chosen, settings or Norms()).items()}
    return GapCount(scope=NodeRef.of(tree.root), as_of=tree.day, total=sum(counts.values()), by_rule=counts)
