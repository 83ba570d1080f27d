"""Gap rules of the chain's fifth level: household heads (党员联户长) and the households they link (十联户).

docs/DOMAIN.md#unlinked_households and #head_over_norm say where each comes from.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, territory_ref
from graph.i18n import N_, _
from graph.model import Level, NodeKind
from graph.norms import Norms
from graph.scope import NodeRef

__all__ = ["head_over_norm", "unlinked_households"]


@gap_rule(
    GapRuleName.UNLINKED_HOUSEHOLDS,
    title=N_("网格有未联系户"),
    description=N_("党员联户长联系户数少于本网格户数的网格"),
    node_kind=NodeKind.TERRITORY,
    source="Duyun (十联户); docs/DOMAIN.md#unlinked_households",
)
def unlinked_households(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for grid in scope.of_level(Level.GRID):
        households = grid.households or 0
        linked = grid.linked
        if linked < households:
            yield Finding(
                territory_ref(grid),
                grid.id,
                _(
                    "党员联户长联系了 %(households)s 户中的 %(linked)s 户；%(unlinked)s 户未联系",
                    households=households,
                    linked=linked,
                    unlinked=households - linked,
                ),
            )


@gap_rule(
    GapRuleName.HEAD_OVER_NORM,
    title=N_("联户长联系户数超标"),
    description=N_("联系户数远超标准的党员联户长"),
    node_kind=NodeKind.MEMBER,
    source="Duyun (十联户), with a tolerance of ours; docs/DOMAIN.md#head_over_norm",
    norms=("households_per_head", "head_tolerance"),
)
def head_over_norm(scope: GapScope, norms: Norms) -> Iterator[Finding]:
    ceiling = norms.households_per_head * (1 + norms.head_tolerance)
    for grid in scope.of_level(Level.GRID):
        for head in scope.chain[grid.id].heads:
            if head.households > ceiling:
                yield Finding(
                    NodeRef(id=head.id, kind=NodeKind.MEMBER, name=head.name),
                    grid.id,
                    _(
                        "联户长 %(name)s 联系 %(households)s 户；标准约为 %(norm)s 户（十联户），超过 %(ceiling)s 户即列出",
                        name=head.name,
                        households=head.households,
                        norm=norms.households_per_head,
                        ceiling=format(ceiling, "g"),
                    ),
                )
