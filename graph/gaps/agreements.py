"""Gap rules of co-building agreements (党建共建协议): communities without one in force, agreements lapsed or about to.

docs/DOMAIN.md#community_without_agreement, #agreement_expired and #agreement_expiring.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, territory_ref
from graph.i18n import N_, _
from graph.model import NodeKind
from graph.norms import Norms
from graph.scope import NodeRef
from graph.store import AgreementFacts, OrgFacts, PartyRef, TerritoryFacts

__all__ = ["agreement_expired", "agreement_expiring", "community_without_agreement"]


def _holds(agreement: AgreementFacts, party_id: str, day: date) -> bool:
    """In force on the day by its own term, and by its SIGNED_BY edge to this party."""
    in_force = agreement.signed_on <= day and (agreement.expires_on is None or day <= agreement.expires_on)
    return in_force and party_id in agreement.parties_on_day


def _agreements(scope: GapScope) -> Iterator[tuple[TerritoryFacts, OrgFacts, AgreementFacts, list[PartyRef]]]:
    """Each agreement a community organisation of the scope signed, with its other parties."""
    for community, org in scope.community_organisations():
        for agreement in org.agreements:
            yield community, org, agreement, [p for p in agreement.parties if p.id != org.id]


def _partner_names(partners: list[PartyRef]) -> str:
    return _("、").join(p.name for p in partners) or _("没有其他签约方")


def _agreement_ref(agreement: AgreementFacts) -> NodeRef:
    return NodeRef(id=agreement.id, kind=NodeKind.AGREEMENT, name=_("共建协议 %(id)s", id=agreement.id))


@gap_rule(
    GapRuleName.COMMUNITY_WITHOUT_AGREEMENT,
    title=N_("社区无共建协议"),
    description=N_("其党组织没有有效共建协议的社区"),
    node_kind=NodeKind.TERRITORY,
    source="Fuzhou; docs/DOMAIN.md#community_without_agreement",
)
def community_without_agreement(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for community, org in scope.community_organisations():
        on_record = org.agreements
        if any(_holds(a, org.id, scope.day) for a in on_record):
            continue
        if on_record:
            reason = _(
                "社区 %(name)s 在 %(day)s 没有有效的党建共建协议（有 %(count)s 份记录，均不在有效期内）",
                name=community.name,
                day=scope.day,
                count=len(on_record),
            )
        else:
            reason = _("社区 %(name)s 在 %(day)s 没有有效的党建共建协议", name=community.name, day=scope.day)
        yield Finding(territory_ref(community), community.id, reason)


@gap_rule(
    GapRuleName.AGREEMENT_EXPIRED,
    title=N_("共建协议已到期"),
    description=N_("已过期、且同一双方未续签的共建协议"),
    node_kind=NodeKind.AGREEMENT,
    source="Fuzhou; terms and renewal are ours; docs/DOMAIN.md#agreement_expired",
)
def agreement_expired(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for community, org, agreement, partners in _agreements(scope):
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
        yield Finding(
            _agreement_ref(agreement),
            community.id,
            _("与 %(partners)s 的共建协议已于 %(expires)s 到期，未续签", partners=_partner_names(partners), expires=expires),
        )


@gap_rule(
    GapRuleName.AGREEMENT_EXPIRING,
    title=N_("共建协议即将到期"),
    description=N_("有效期在给定天数内结束的共建协议"),
    node_kind=NodeKind.AGREEMENT,
    source="Fuzhou; the horizon is ours; docs/DOMAIN.md#agreement_expiring",
    norms=("expiring_within_days",),
)
def agreement_expiring(scope: GapScope, norms: Norms) -> Iterator[Finding]:
    horizon = scope.day + timedelta(days=norms.expiring_within_days)
    for community, _org, agreement, partners in _agreements(scope):
        expires = agreement.expires_on
        if expires is None or expires < scope.day or expires > horizon or agreement.signed_on > scope.day:
            continue
        days = (expires - scope.day).days
        yield Finding(
            _agreement_ref(agreement),
            community.id,
            _(
                "与 %(partners)s 的共建协议将于 %(expires)s 到期，还有 %(days)s 天（%(within)s 天内）",
                partners=_partner_names(partners),
                expires=expires,
                days=days,
                within=norms.expiring_within_days,
            ),
        )
