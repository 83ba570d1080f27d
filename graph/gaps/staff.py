"""Gap rule of community staffing: full-time workers (专职人员) against one per N households.

docs/DOMAIN.md#under_staffed (Heshan's one per 300 households).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, territory_ref
from graph.model import Level, NodeKind
from graph.norms import Norms

__all__ = ["under_staffed"]


@gap_rule(
    GapRuleName.UNDER_STAFFED,
    title="社区专职人员不足",
    description="a community with fewer full-time staff than one per N households, or than M per 10,000 residents",
    node_kind=NodeKind.TERRITORY,
    source="Heshan (1 per 300 households), Fuzhou (18 per 10,000 residents); docs/DOMAIN.md#under_staffed",
    norms=("households_per_worker", "staff_per_10000_residents"),
)
def under_staffed(scope: GapScope, norms: Norms) -> Iterator[Finding]:
    for community in scope.of_level(Level.COMMUNITY):
        households = scope.households[community.id]
        population = scope.population[community.id]
        by_households = math.ceil(households / norms.households_per_worker)
        by_residents = math.ceil(population * norms.staff_per_10000_residents / 10_000)
        staff = scope.staff[community.id]
        recorded = "no full-time staff on record" if staff == 0 else f"{staff} full-time staff"
        if staff < by_households:
            yield Finding(
                territory_ref(community),
                community.id,
                f"社区 {community.name} has {recorded} for {households} households; "
                f"one per {norms.households_per_worker} needs {by_households}",
            )
        elif staff < by_residents:
            yield Finding(
                territory_ref(community),
                community.id,
                f"社区 {community.name} has {recorded} for {population} residents; "
                f"{norms.staff_per_10000_residents} per 10,000 needs {by_residents}",
            )
