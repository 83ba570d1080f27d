"""Gap rules of the chain's fifth level: household heads (党员联户长) and the households they link (十联户).

docs/DOMAIN.md#unlinked_households and #head_over_norm say where each comes from.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, territory_ref
from graph.model import Level, NodeKind
from graph.norms import Norms
from graph.scope import NodeRef

__all__ = ["head_over_norm", "unlinked_households"]


@gap_rule(
    GapRuleName.UNLINKED_HOUSEHOLDS,
    title="网格有未联系户",
    description="a grid whose household heads link fewer households than it has",
    node_kind=NodeKind.TERRITORY,
    source="Duyun (十联户); docs/DOMAIN.md#unlinked_households",
)
def unlinked_households(scope: GapScope, _: Norms) -> Iterator[Finding]:
    for grid in scope.of_level(Level.GRID):
        households = grid.households or 0
        linked = grid.linked
        if linked < households:
            yield Finding(
                territory_ref(grid),
                grid.id,
                f"household heads (党员联户长) link {linked} of {households} households; {households - linked} are unlinked",
            )


@gap_rule(
    GapRuleName.HEAD_OVER_NORM,
    title="联户长联系户数超标",
    description="a household head linking well over the norm",
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
                    f"household head {head.name} links {head.households} households; the norm is about "
                    f"{norms.households_per_head} (十联户), flagged above {ceiling:g}",
                )
