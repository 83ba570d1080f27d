"""The rules every write must keep, checked the same way for every store.

A store answers a few questions about what it already holds (the :class:`Facts`
protocol); :func:`check` lays the batch over those answers and returns every broken
rule at once, so that a refused write can say everything that is wrong with it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple, Protocol

from graph.errors import Violation
from graph.i18n import Lang, _, current
from graph.labels import term
from graph.model import ALLOWED_PARENTS, Batch, Edge, EdgeKind, EdgeRef, Level, MemberRole, Node, NodeKind

__all__ = [
    "DROP",
    "ENDPOINTS",
    "FUNCTIONAL",
    "PARENT_EDGE",
    "SYSTEM_ORG_PARENTS",
    "UNIT_ORG_PARENTS",
    "Facts",
    "NodeFacts",
    "Rule",
    "check",
    "facts_of",
    "in_force_last",
    "latest",
    "superseded",
]


class Rule:
    """Names of the invariants, as they appear in error messages."""

    UNIQUE_ID = "unique_id"
    KIND_FIXED = "kind_fixed"
    ENDPOINT_EXISTS = "endpoint_exists"
    ENDPOINT_KINDS = "endpoint_kinds"
    ONE_PARENT = "one_parent"
    PARENT_LEVEL = "parent_allowed_level"
    COVERS_OWN_LEVEL = "covers_own_level"
    REPORTED_TO_PLACE = "reported_to_community_street_or_park"
    ONE_COVERER = "one_organisation_per_unit"
    TARGET_LEVEL = "target_level"
    NO_CYCLE = "no_cycle"


_T, _O, _U, _M, _A, _L, _S, _C = (
    NodeKind.TERRITORY,
    NodeKind.ORGANISATION,
    NodeKind.UNIT,
    NodeKind.MEMBER,
    NodeKind.AGREEMENT,
    NodeKind.ALLIANCE,
    NodeKind.SEAT,
    NodeKind.SERVICE_CENTRE,
)
_P, _TEAM = NodeKind.POST, NodeKind.TEAM

ENDPOINTS: dict[EdgeKind, tuple[frozenset[NodeKind], frozenset[NodeKind]]] = {
    EdgeKind.WITHIN: (frozenset({_T}), frozenset({_T})),
    EdgeKind.REPORTS_TO: (frozenset({_O}), frozenset({_O})),
    EdgeKind.COVERS: (frozenset({_O}), frozenset({_T, _U})),
    EdgeKind.MEMBER_OF: (frozenset({_M}), frozenset({_O})),
    EdgeKind.SERVES: (frozenset({_M}), frozenset({_T})),
    EdgeKind.LOCATED_IN: (frozenset({_U}), frozenset({_T})),
    EdgeKind.SIGNED_BY: (frozenset({_A}), frozenset({_O, _U})),
    EdgeKind.IN_ALLIANCE: (frozenset({_O, _T, _U}), frozenset({_L})),
    EdgeKind.SEAT_ON: (frozenset({_S}), frozenset({_O})),
    EdgeKind.ON_BEHALF_OF: (frozenset({_S}), frozenset({_U})),
    EdgeKind.HELD_BY: (frozenset({_S, _P}), frozenset({_M})),
    EdgeKind.POST_IN: (frozenset({_P}), frozenset({_O, _U})),
    EdgeKind.TEAM_SERVES: (frozenset({_TEAM}), frozenset({_T})),
    EdgeKind.IN_TEAM: (frozenset({_M}), frozenset({_TEAM})),
    EdgeKind.REPORTED_TO: (frozenset({_M}), frozenset({_T, _U})),
    EdgeKind.MANAGES: (frozenset({_U}), frozenset({_T})),
    EdgeKind.CENTRE_FOR: (frozenset({_C}), frozenset({_T})),
}
"""Which node kinds each edge kind may join. Where two kinds share a (source, target) kind pair
(LOCATED_IN and MANAGES, unit → territory; SERVES and REPORTED_TO, member → territory) their targets' levels
differ (a community, a residential area: :data:`_TARGET_LEVELS`; a grid, building or residential area, a
community or street: :data:`REPORT_LEVELS`), so at most one edge of any kind joins an ordered pair of nodes."""

_TARGET_LEVELS: dict[EdgeKind, frozenset[Level]] = {
    EdgeKind.MANAGES: frozenset({Level.RESIDENTIAL_AREA}),
    EdgeKind.CENTRE_FOR: frozenset({Level.STREET, Level.COMMUNITY, Level.RESIDENTIAL_AREA}),
}
"""The territory levels an edge kind may end at, where it is held to some."""

FUNCTIONAL = frozenset(
    {
        EdgeKind.WITHIN,
        EdgeKind.REPORTS_TO,
        EdgeKind.MEMBER_OF,
        EdgeKind.SERVES,
        EdgeKind.LOCATED_IN,
        EdgeKind.SEAT_ON,
        EdgeKind.ON_BEHALF_OF,
        EdgeKind.HELD_BY,
        EdgeKind.CENTRE_FOR,
        EdgeKind.POST_IN,
        EdgeKind.TEAM_SERVES,
        EdgeKind.REPORTED_TO,
    }
)
"""Edge kinds a node has at most one of in force on any day (dated structure).

Writing one to a new target with a ``valid_from`` closes the others the day before, so that a
move keeps its history; without a ``valid_from`` it replaces them (:func:`superseded`). COVERS
is not among them: a joint organisation (联合党支部) covers several territories of its level, and
rule ``one_organisation_per_unit`` keeps one organisation over each territory or unit."""

_CLOSED = object()


def superseded(new_from: date | None, old_from: date | None, old_to: date | None) -> date | object | None:
    """What writing a functional edge in force from ``new_from`` does to another of its source and kind.

    Returns ``old_to`` when the other ended before the new one starts (history, kept as it is),
    the day before ``new_from`` when it was in force then (closed), or :data:`DROP` when the new
    edge has no start or starts no later than the other (replaced). Both stores follow this.
    """
    if new_from is None or (old_from is not None and old_from >= new_from):
        return DROP
    if old_to is not None and old_to < new_from:
        return old_to
    return new_from - timedelta(days=1)


DROP = _CLOSED
""":func:`superseded`'s answer for an edge the new one replaces outright."""


def latest(edges: Sequence[Edge]) -> Edge | None:
    """Of a node's edges of one functional kind, the one in force last (:func:`in_force_last`): its present place."""
    if len(edges) <= 1:
        return edges[0] if edges else None
    target = in_force_last((e.target, e.valid_from, e.valid_to) for e in edges)
    return next(e for e in edges if e.target == target)


def _overlap(a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None) -> bool:
    """Whether two terms (inclusive, None open) share a day."""
    return (a_from is None or b_to is None or a_from <= b_to) and (b_from is None or a_to is None or b_from <= a_to)


def in_force_last(terms: Iterable[tuple[str, date | None, date | None]]) -> str | None:
    """Of a node's edges of one functional kind (target, valid_from, valid_to), the target of the one in force last:
    an open one, else the one ending latest. What the rules take as the node's current parent."""
    best: tuple[bool, date, str] | None = None
    for target, _start, valid_to in terms:
        key = (valid_to is None, valid_to or date.min, target)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best is not None else None


PARENT_EDGE: dict[NodeKind, EdgeKind] = {
    NodeKind.TERRITORY: EdgeKind.WITHIN,
    NodeKind.ORGANISATION: EdgeKind.REPORTS_TO,
    NodeKind.MEMBER: EdgeKind.MEMBER_OF,
}
"""The edge that links a node to its parent in its hierarchy."""

_HIERARCHY = frozenset(PARENT_EDGE.values())
UNIT_ORG_PARENTS = frozenset({Level.STREET, Level.COMMUNITY, Level.UNIT, Level.SYSTEM})
"""Where a unit's own organisation reports: up its own line (a system organisation, Heshan's 隶属关系), or where it
is managed locally (属地: a street's or community's organisation, or a park's, itself a unit's)."""
SYSTEM_ORG_PARENTS = frozenset({Level.SYSTEM, Level.DISTRICT})
"""Where a system organisation reports: another system organisation, or the district committee."""
_SIDEWAYS = frozenset({Level.UNIT, Level.SYSTEM})
"""Levels whose organisations may report to one of their own level, so a cycle needs looking for."""
REPORT_LEVELS = frozenset({Level.STREET, Level.COMMUNITY})
"""The territories a member reports to (双报到): a community or a street; or else an industrial park, a unit
(whose type the importer checks: the rules see a unit's kind, not its type)."""


class NodeFacts(NamedTuple):
    """What the rules need to know of a node."""

    kind: NodeKind
    level: Level | None = None
    household_head: bool = False


_FACTS: dict[tuple[object, ...], NodeFacts] = {}


def facts_of(node: Node) -> NodeFacts:
    """The facts of a node model; one shared object for each distinct answer."""
    fields = node.__dict__
    kind = fields["kind"]
    if kind is NodeKind.MEMBER:
        head = MemberRole.HOUSEHOLD_HEAD in fields["roles"]
        key: tuple[object, ...] = (kind, Level.HOUSEHOLD if head else None, head)
    else:
        key = (kind, fields.get("level"), False)
    found = _FACTS.get(key)
    if found is None:
        found = _FACTS[key] = NodeFacts(*key)  # type: ignore[arg-type]
    return found


class Facts(Protocol):
    """A store's answers about what it holds now, before the batch."""

    def facts(self, node_id: str) -> NodeFacts | None:
        """What the rules need to know of a node, or None if there is no such node."""
        ...

    def target(self, source: str, kind: EdgeKind) -> str | None:
        """The target of ``source``'s edge of a functional kind, if it has one."""
        ...

    def sources(self, target: str, kind: EdgeKind) -> list[str]:
        """The sources of edges of ``kind`` into ``target``."""
        ...

    def incident(self, node_id: str) -> list[EdgeRef]:
        """Every edge into or out of ``node_id``."""
        ...


@dataclass
class _Overlay:
    """The store's facts with the batch laid over them."""

    base: Facts
    nodes: dict[str, NodeFacts]
    removed_nodes: set[str]
    removed_edges: set[tuple[str, EdgeKind, str]]
    targets: dict[tuple[str, EdgeKind], str]

    def facts(self, node_id: str) -> NodeFacts | None:
        if node_id in self.removed_nodes:
            return None
        found = self.nodes.get(node_id)
        return found if found is not None else self.base.facts(node_id)

    def target(self, source: str, kind: EdgeKind) -> str | None:
        if source in self.removed_nodes:
            return None
        pending = self.targets.get((source, kind))
        if pending is not None:
            return pending
        current = self.base.target(source, kind)
        if current is None or (source, kind, current) in self.removed_edges or current in self.removed_nodes:
            return None
        return current

    def parent(self, node_id: str) -> str | None:
        facts = self.facts(node_id)
        kind = PARENT_EDGE.get(facts.kind) if facts else None
        return self.target(node_id, kind) if kind else None


def check(batch: Batch, facts: Facts) -> list[Violation]:
    """Every rule the batch would break if it were written over ``facts``; empty if none."""
    found: list[Violation] = []
    new_nodes: dict[str, NodeFacts] = {}
    changed: list[str] = []
    recreated = set(batch.remove_nodes)
    for node in batch.nodes:
        if node.id in new_nodes:
            found.append(Violation(Rule.UNIQUE_ID, node.id, _("编号 %(id)s 在一次写入中出现了两次", id=node.id)))
            continue
        mine = facts_of(node)
        new_nodes[node.id] = mine
        existing = facts.facts(node.id)
        if existing is not None and existing.kind is not mine.kind and node.id not in recreated:
            found.append(
                Violation(
                    Rule.KIND_FIXED,
                    node.id,
                    _(
                        "编号 %(id)s 已是%(existing)s，不能再写成%(mine)s（请给这个%(mine)s另一个编号）",
                        id=node.id,
                        existing=term(existing.kind),
                        mine=term(mine.kind),
                    ),
                )
            )
        elif existing is not None and existing != mine and node.id not in recreated:
            changed.append(node.id)  # a removed and re-created node starts without its old edges

    removed_edges = {(ref.source, ref.kind, ref.target) for ref in batch.remove_edges}
    overlay = _Overlay(facts, new_nodes, set(batch.remove_nodes) - set(new_nodes), removed_edges, {})

    to_check: dict[tuple[str, EdgeKind, str], bool] = {}  # edge → is it new in this batch
    batch_terms: dict[tuple[str, EdgeKind], list[tuple[str, date | None, date | None]]] = {}  # functional edges' terms, so far
    for edge in batch.edges:
        key = (edge.source, edge.kind, edge.target)
        if key in to_check:
            found.append(
                Violation(
                    Rule.UNIQUE_ID, edge.source, _("关系 %(edge)s 在一次写入中出现了两次", edge=_edge(edge.source, edge.kind, edge.target))
                )
            )
            continue
        to_check[key] = True
        if edge.kind in FUNCTIONAL:
            terms = batch_terms.setdefault((edge.source, edge.kind), [])
            other = next((t for t, start, end in terms if _overlap(start, end, edge.valid_from, edge.valid_to)), None)
            if other is not None:
                rule = Rule.ONE_PARENT if edge.kind in _HIERARCHY else Rule.UNIQUE_ID
                found.append(
                    Violation(
                        rule,
                        edge.source,
                        _(
                            "%(source)s 在一次写入中有两条同一天有效的 %(kind)s 关系（%(other)s 和 %(target)s）；同一时间只能有一条",
                            source=edge.source,
                            kind=edge.kind.value,
                            other=other,
                            target=edge.target,
                        ),
                    )
                )
                continue
            terms.append((edge.target, edge.valid_from, edge.valid_to))
            overlay.targets[(edge.source, edge.kind)] = in_force_last(terms) or edge.target
    for node_id in changed:  # a node whose level or role changed must still fit the edges it has
        for ref in facts.incident(node_id):
            key = (ref.source, ref.kind, ref.target)
            replaced = ref.kind in FUNCTIONAL and overlay.target(ref.source, ref.kind) != ref.target
            if key not in removed_edges and not replaced:
                to_check.setdefault(key, False)

    covered: dict[str, str] = {}
    for (source, kind, target), is_new in to_check.items():
        src, dst = overlay.facts(source), overlay.facts(target)
        if src is None or dst is None:
            missing = source if src is None else target
            found.append(
                Violation(
                    Rule.ENDPOINT_EXISTS,
                    missing,
                    _("关系 %(edge)s 指向的 %(missing)s 不存在：请先写入该节点", edge=_edge(source, kind, target), missing=missing),
                )
            )
            continue
        problem = _pair_problem(kind, src, dst)
        if problem is None and is_new and kind is EdgeKind.REPORTS_TO and src.level in _SIDEWAYS and dst.level is src.level:
            if _climbs_to(overlay, start=target, goal=source):  # a unit's organisation under a park's, a system under a system
                found.append(Violation(Rule.NO_CYCLE, source, _cycle(source, kind, target)))
        elif problem is not None:
            rule, reason = problem
            # Edges that keep the level rule climb (levels fall by one, a unit's organisation
            # reports to a lower level or a system's, members are leaves), so a cycle needs an
            # edge that breaks it, or one between two of the sideways levels (checked above).
            if rule == Rule.PARENT_LEVEL and is_new and _climbs_to(overlay, start=target, goal=source):
                found.append(Violation(Rule.NO_CYCLE, source, _cycle(source, kind, target)))
            found.append(Violation(rule, source, _("%(edge)s：%(reason)s", edge=_edge(source, kind, target), reason=reason)))
        elif kind is EdgeKind.COVERS and is_new:
            holder = covered.get(target) or _current_coverer(overlay, target, exclude=source)
            if holder is not None and holder != source:
                found.append(
                    Violation(
                        Rule.ONE_COVERER,
                        source,
                        _(
                            "%(source)s 不能覆盖 %(target)s：它已由党组织 %(holder)s 覆盖，一处地域或一个单位只由一个党组织覆盖",
                            source=source,
                            target=target,
                            holder=holder,
                        ),
                    )
                )
            covered[target] = source
    return found


def _pair_problem(kind: EdgeKind, src: NodeFacts, dst: NodeFacts) -> tuple[str, str] | None:
    """The rule an edge of ``kind`` from ``src`` to ``dst`` breaks, and why in the reader's language; None if it keeps them all."""
    return _pair_problem_in(kind, src, dst, current())


@functools.cache
def _pair_problem_in(kind: EdgeKind, src: NodeFacts, dst: NodeFacts, lang: Lang) -> tuple[str, str] | None:
    """:func:`_pair_problem` in one language: the answer depends only on the kinds and levels at either end,
    of which there are few, so it is worked out once for each combination and language."""
    allowed_src, allowed_dst = ENDPOINTS[kind]
    if src.kind not in allowed_src or dst.kind not in allowed_dst:
        why = _(
            "%(kind)s 连接%(sources)s与%(targets)s，而不是%(src)s与%(dst)s",
            kind=kind.value,
            sources=_names(allowed_src),
            targets=_names(allowed_dst),
            src=term(src.kind),
            dst=term(dst.kind),
        )
        return Rule.ENDPOINT_KINDS, why
    if kind in _HIERARCHY:
        level_problem = _parent_level_problem(kind, src, dst)
        return (Rule.PARENT_LEVEL, level_problem) if level_problem else None
    if kind is EdgeKind.COVERS:
        covers_problem = _covers_problem(src, dst)
        return (Rule.COVERS_OWN_LEVEL, covers_problem) if covers_problem else None
    if kind is EdgeKind.REPORTED_TO and dst.kind is NodeKind.TERRITORY and dst.level not in REPORT_LEVELS:
        return Rule.REPORTED_TO_PLACE, _("党员向社区、街道或园区报到，不能向%(level)s报到", level=_label(dst.level))
    levels = _TARGET_LEVELS.get(kind)
    if levels is not None and dst.level not in levels:
        wanted = _levels(levels)
        return Rule.TARGET_LEVEL, _(
            "%(kind)s 的终点应是%(wanted)s层级的地域，而不是%(level)s", kind=kind.value, wanted=wanted, level=_label(dst.level)
        )
    return None


def _names(kinds: Iterable[NodeKind]) -> str:
    return _("或").join(sorted(term(k) for k in kinds))


def _levels(levels: Iterable[Level]) -> str:
    return _("或").join(term(level) for level in sorted(levels, key=lambda level: level.value))


def _edge(source: str, kind: EdgeKind, target: str) -> str:
    return f"{source} -{kind.value}-> {target}"


def _cycle(source: str, kind: EdgeKind, target: str) -> str:
    return _("%(edge)s 会形成环：%(target)s 已在 %(source)s 之下", edge=_edge(source, kind, target), target=target, source=source)


def _climbs_to(overlay: _Overlay, *, start: str, goal: str) -> bool:
    """Whether walking up the hierarchy from ``start`` reaches ``goal``."""
    seen: set[str] = set()
    current: str | None = start
    while current is not None and current not in seen:
        if current == goal:
            return True
        seen.add(current)
        current = overlay.parent(current)
    return False


def _parent_level_problem(kind: EdgeKind, child: NodeFacts, parent: NodeFacts) -> str | None:
    if kind is EdgeKind.MEMBER_OF:
        # 双重管理: the membership is held where it is (an in-service member's, household head or not, is their
        # work unit's organisation); where they serve is SERVES, where they reported REPORTED_TO
        return None
    if child.level is Level.UNIT:
        if parent.level not in UNIT_ORG_PARENTS:
            return _(
                "单位党组织向本系统（系统党组织）或属地（街道、社区或园区党组织）隶属，不能隶属于%(level)s党组织",
                level=_label(parent.level),
            )
        return None
    if child.level is Level.SYSTEM:
        if parent.level not in SYSTEM_ORG_PARENTS:
            return _("系统党组织隶属于另一个系统党组织或区委，不能隶属于%(level)s党组织", level=_label(parent.level))
        return None
    if child.level is None or child.level is Level.DISTRICT:
        return _("区在本图中没有上级")
    allowed = ALLOWED_PARENTS.get(child.level, frozenset())
    if parent.level not in allowed:
        return _(
            "%(child)s的上级应是%(wanted)s（ALLOWED_PARENTS），而不是%(parent)s",
            child=term(child.level),
            wanted=_levels(allowed),
            parent=_label(parent.level),
        )
    return None


def _covers_problem(org: NodeFacts, covered: NodeFacts) -> str | None:
    if org.level is Level.SYSTEM:
        return _("系统党组织统领一条党组织线，不覆盖%(kind)s", kind=term(covered.kind))
    if org.level is Level.UNIT:
        return None if covered.kind is NodeKind.UNIT else _("单位党组织覆盖它的单位，而不是%(kind)s", kind=term(covered.kind))
    if covered.kind is not NodeKind.TERRITORY:
        return _("%(level)s党组织覆盖地域，而不是%(kind)s", level=_label(org.level), kind=term(covered.kind))
    if covered.level != org.level:
        return _("党组织覆盖本层级的地域：%(level)s党组织不能覆盖%(other)s", level=_label(org.level), other=_label(covered.level))
    return None


def _current_coverer(overlay: _Overlay, target: str, *, exclude: str) -> str | None:
    for source in overlay.base.sources(target, EdgeKind.COVERS):
        if source != exclude and source not in overlay.removed_nodes and (source, EdgeKind.COVERS, target) not in overlay.removed_edges:
            return source
    return None


def _label(level: Level | None) -> str:
    return term(level) if level is not None else _("无层级")
