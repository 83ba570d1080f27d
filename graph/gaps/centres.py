"""Gap rules of party-mass service centres (党群服务中心): a community without one, space not given to service, 六有 missing.

Fuzhou rebuilt its centres with over 90% of their space for service; Duyun's standard is 六有
(有场所、有设施、有标志、有党旗、有书报、有制度). docs/DOMAIN.md has a section for each rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, territory_ref
from graph.i18n import N_, _
from graph.labels import SIX_HAVES_LABELS
from graph.model import Level, NodeKind
from graph.norms import Norms
from graph.scope import NodeRef
from graph.store import CentreFacts

__all__ = ["centre_missing_six_haves", "centre_short_of_service", "community_without_centre"]


def _ref(centre: CentreFacts) -> NodeRef:
    return NodeRef(id=centre.id, kind=NodeKind.SERVICE_CENTRE, name=centre.name)


@gap_rule(
    GapRuleName.COMMUNITY_WITHOUT_CENTRE,
    title=N_("社区无党群服务中心"),
    description=N_("没有党群服务中心服务的社区"),
    node_kind=NodeKind.TERRITORY,
    source="Fuzhou (92 centres rebuilt), Heshan (146); docs/DOMAIN.md#community_without_centre",
)
def community_without_centre(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for community in scope.of_level(Level.COMMUNITY):
        if not community.centres:
            yield Finding(territory_ref(community), community.id, _("社区 %(name)s 没有党群服务中心", name=community.name))


@gap_rule(
    GapRuleName.CENTRE_SHORT_OF_SERVICE,
    title=N_("服务面积占比不足"),
    description=N_("用于服务的面积占比低于标准的党群服务中心"),
    node_kind=NodeKind.SERVICE_CENTRE,
    source="Fuzhou (服务面积占比90%以上); docs/DOMAIN.md#centre_short_of_service",
    norms=("service_share_min",),
)
def centre_short_of_service(scope: GapScope, norms: Norms) -> Iterator[Finding]:
    for territory in scope.territories:
        for centre in territory.centres:
            if centre.service_share is not None and centre.service_share < norms.service_share_min:
                reason = _(
                    "%(name)s 服务面积占比 %(share)s%%，低于 %(minimum)s%%",
                    name=centre.name,
                    share=f"{centre.service_share:g}",
                    minimum=f"{norms.service_share_min:g}",
                )
                yield Finding(_ref(centre), territory.id, reason)


@gap_rule(
    GapRuleName.CENTRE_MISSING_SIX_HAVES,
    title=N_("党群服务中心六有不全"),
    description=N_("“六有”（有场所、有设施、有标志、有党旗、有书报、有制度）不全的党群服务中心"),
    node_kind=NodeKind.SERVICE_CENTRE,
    source="Duyun (有场所、有设施、有标志、有党旗、有书报、有制度); docs/DOMAIN.md#centre_missing_six_haves",
)
def centre_missing_six_haves(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for territory in scope.territories:
        for centre in territory.centres:
            if centre.missing:
                lacking = "、".join(SIX_HAVES_LABELS[f] for f in centre.missing)
                yield Finding(_ref(centre), territory.id, _("%(name)s 缺少%(lacking)s（六有）", name=centre.name, lacking=lacking))
