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
    description=N_("专职人员少于每 N 户一名的社区"),
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
            figures = {"name": community.name, "households": households, "per": norms.households_per_worker, "needed": needed}
            if community.staff is None:
                reason = _("社区 %(name)s 没有专职人员记录，有 %(households)s 户；按每 %(per)s 户一名，需要 %(needed)s 名", **figures)
            else:
                reason = _(
                    "社区 %(name)s 有专职人员 %(staff)s 名，有 %(households)s 户；按每 %(per)s 户一名，需要 %(needed)s 名",
                    staff=staff,
                    **figures,
                )
            yield Finding(territory_ref(community), community.id, reason)
