"""Gap rule of community staffing: full-time workers (专职人员) against one per N households.

docs/DOMAIN.md#under_staffed (Heshan's one per 300 households).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, territory_ref
from graph.i18n import N_, _
from graph.model import Level, NodeKind
from graph.norms import Norms

__all__ = ["under_staffed"]


@gap_rule(
    GapRuleName.UNDER_STAFFED,
    title=N_("社区专职人员不足"),
    description=N_("专职人员少于每 N 户一名、或少于每万名常住人口 M 名的社区"),
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
        if staff < by_households:
            figures = {"name": community.name, "households": households, "per": norms.households_per_worker, "needed": by_households}
            if staff == 0:
                reason = _("社区 %(name)s 没有专职人员记录，有 %(households)s 户；按每 %(per)s 户一名，需要 %(needed)s 名", **figures)
            else:
                reason = _(
                    "社区 %(name)s 有专职人员 %(staff)s 名，有 %(households)s 户；按每 %(per)s 户一名，需要 %(needed)s 名",
                    staff=staff,
                    **figures,
                )
            yield Finding(territory_ref(community), community.id, reason)
        elif staff < by_residents:
            reason = _(
                "社区 %(name)s 有专职人员 %(staff)s 名，常住人口 %(population)s 人；按每万人 %(per)s 名，需要 %(needed)s 名",
                name=community.name,
                staff=staff,
                population=population,
                per=norms.staff_per_10000_residents,
                needed=by_residents,
            )
            yield Finding(territory_ref(community), community.id, reason)
