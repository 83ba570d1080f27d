"""Co-building agreements (党建共建协议) of a scope: who signed with whom, on what term, and where each stands on a day."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field

from graph.model import EdgeKind, Level, Organisation, Unit
from graph.scope import NodeRef, ScopeTree
from graph.store import GraphStore

__all__ = ["AgreementStatus", "AgreementView", "agreements"]


class AgreementStatus(StrEnum):
    """Where an agreement stands on a day."""

    NOT_YET = "not_yet"  # signed with a later start, or recorded before it was signed
    IN_FORCE = "in_force"
    EXPIRING = "expiring"  # in force, ending within the given days
    EXPIRED = "expired"


class AgreementView(BaseModel):
    """One agreement with its two sides and its three lists (三张清单)."""

    agreement: NodeRef
    community: NodeRef = Field(description="the community whose organisation signed it")
    community_organisation: NodeRef
    partner: NodeRef | None = Field(description="the other party: a unit's organisation, or a unit without one")
    partner_unit: NodeRef | None = Field(description="the resident unit on the other side")
    signed_on: date
    expires_on: date | None
    status: AgreementStatus
    needs: list[str] = Field(description="需求清单")
    resources: list[str] = Field(description="资源清单")
    projects: list[str] = Field(description="项目清单")


def agreements(
    store: GraphStore,
    scope_id: str,
    *,
    status: AgreementStatus | None = None,
    as_of: date | None = None,
    expiring_within_days: int = 90,
) -> list[AgreementView]:
    """The agreements the community organisations of a scope signed, by community then id; filter by status on ``as_of``.

    Agreements belong to communities: a scope below a community has none of its own.
    """
    tree = ScopeTree(store, scope_id, as_of=as_of)
    horizon = tree.day + timedelta(days=expiring_within_days)
    out: list[AgreementView] = []
    for community in tree.of_level(Level.COMMUNITY):
        org = tree.coverer(community.id)
        if org is None:
            continue
        for agreement in tree.agreements(org.id):
            partner = next(iter(tree.counterparties(agreement, org.id)), None)
            unit = partner if isinstance(partner, Unit) else None
            if isinstance(partner, Organisation):
                covered = [tree.node(e.target) for e in tree.edges(partner.id, EdgeKind.COVERS, any_day=True)]
                unit = next((u for u in covered if isinstance(u, Unit)), None)
            if agreement.signed_on > tree.day:
                standing = AgreementStatus.NOT_YET
            elif agreement.expires_on is not None and agreement.expires_on < tree.day:
                standing = AgreementStatus.EXPIRED
            elif agreement.expires_on is not None and agreement.expires_on <= horizon:
                standing = AgreementStatus.EXPIRING
            else:
                standing = AgreementStatus.IN_FORCE
            if status is not None and standing is not status:
                continue
            out.append(
                AgreementView(
                    agreement=NodeRef.of(agreement),
                    community=NodeRef.of(community),
                    community_organisation=NodeRef.of(org),
                    partner=NodeRef.of(partner) if partner else None,
                    partner_unit=NodeRef.of(unit) if unit else None,
                    signed_on=agreement.signed_on,
                    expires_on=agreement.expires_on,
                    status=standing,
                    needs=list(agreement.needs),
                    resources=list(agreement.resources),
                    projects=list(agreement.projects),
                )
            )
    return out
