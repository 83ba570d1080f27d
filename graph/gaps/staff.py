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
    description="a community with fewer full-time staff than one per N households",
    node_kind=NodeKind.TERRITORY,
    source="Heshan (1 per 300 households); docs/DOMAIN.md#under_staffed",
    norms=("households_per_worker",),
)
def under_staffed(scope: GapScope, norms: Norms) -> Iterator[Finding]:
    for community in scope.of_level(Level.COMMUNITY):
        households = scope.grid_households[community.id]
        needed = math.ceil(households / norms.households_per_worker)
        staff = community.staff or 0
        if staff < needed:
            recorded = "no full-time staff on record" if community.staff is None else f"{staff} full-time staff"
            yield Finding(
                territory_ref(community),
                community.id,
                f"社区 {community.name} has {recorded} for {households} households; one per {norms.households_per_worker} needs {needed}",
            )
