"""How a gap rule is declared: its function, and beside it what the catalogue shows of it.

A rule is a function from a :class:`GapScope` and the :class:`~graph.norms.Norms` to the
findings it makes; :func:`gap_rule` puts its name, title, source and the norms it
reads on it and makes it a :class:`Rule`, which the catalogue lists and the queries run.
docs/recipes/gap-rule.md walks through adding one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from graph.gaps.facts import GapScope
from graph.gaps.models import Gap, GapRule, RuleParameter, Severity
from graph.gaps.names import GapRuleName
from graph.model import NodeKind
from graph.norms import Norms
from graph.scope import PATH_SEPARATOR, NodeRef
from graph.store import OrgFacts, TerritoryFacts

__all__ = ["FindGaps", "Finding", "Rule", "gap_rule", "org_ref", "territory_ref"]


class Finding(NamedTuple):
    """What a rule finds: the offending node, the territory its chain path leads down to, and why."""

    node: NodeRef
    where: str
    reason: str


FindGaps = Callable[[GapScope, Norms], Iterator[Finding]]
"""A rule's function: reads the scope (and the norms it declares), yields a Finding per offending node, in reading order."""


@dataclass(frozen=True)
class Rule:
    """One gap rule: what the catalogue shows of it, and the function that finds its gaps."""

    meta: GapRule
    finds: FindGaps

    @property
    def name(self) -> GapRuleName:
        return self.meta.name

    def gaps(self, scope: GapScope, norms: Norms) -> Iterator[Gap]:
        """The rule's gaps in a scope, each with its chain path (街道 › 社区 › 小区 › 网格)."""
        for node, where, reason in self.finds(scope, norms):
            path = scope.path(where)
            names = [t.name for t in path]
            if node.kind is not NodeKind.TERRITORY:
                names.append(node.name)
            yield Gap(
                rule=self.name, node=node, path=path, path_text=PATH_SEPARATOR.join(names), reason=reason, severity=self.meta.severity
            )


def gap_rule(
    name: GapRuleName,
    *,
    title: str,
    description: str,
    node_kind: NodeKind,
    source: str,
    norms: tuple[str, ...] = (),
    severity: Severity = Severity.FAILURE,
) -> Callable[[FindGaps], Rule]:
    """Declare a rule beside its function: ``@gap_rule(GapRuleName.X, title=N_("小区未建党支部"), ...)``.

    ``title`` and ``description`` are Chinese msgids marked with :func:`graph.i18n.N_`: the catalogue
    (:func:`graph.gaps.catalogue.gap_rules`) gives them in the reader's language.

    ``norms`` names the fields of :class:`~graph.norms.Norms` the function reads: the catalogue
    shows them with their defaults, and the API takes each as a query parameter. ``source``
    names the seed article (by city) and the rule's section of docs/DOMAIN.md. ``severity`` advice marks what
    the rules allow rather than require (可升格), listed apart from failures.
    """
    parameters = [_parameter(norm, rule=name) for norm in norms]

    def declare(finds: FindGaps) -> Rule:
        meta = GapRule(
            name=name,
            title=title,
            description=description,
            node_kind=node_kind.value,
            parameters=parameters,
            source=source,
            severity=severity,
        )
        return Rule(meta=meta, finds=finds)

    return declare


def _parameter(norm: str, *, rule: str) -> RuleParameter:
    spec = Norms.model_fields.get(norm)
    if spec is None:
        raise ValueError(f"gap rule {rule} reads {norm!r}, which is not a field of graph.norms.Norms: {', '.join(Norms.model_fields)}")
    assert isinstance(spec.default, int | float)
    return RuleParameter(name=norm, default=spec.default, description=spec.description or "")


def territory_ref(territory: TerritoryFacts) -> NodeRef:
    """A territory as a gap names it."""
    return NodeRef(id=territory.id, kind=NodeKind.TERRITORY, name=territory.name, level=territory.level)


def org_ref(org: OrgFacts) -> NodeRef:
    """An organisation as a gap names it."""
    return NodeRef(id=org.id, kind=NodeKind.ORGANISATION, name=org.name, level=org.level)
