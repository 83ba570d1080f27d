"""Gap rules of the organisations' form and size: 党委 against the member threshold, 党支部 against the
minimum, and the big committee (大党委) without a concurrent member.

docs/DOMAIN.md has a section for each, and #norms for the thresholds.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.gaps.facts import GapScope
from graph.gaps.models import Severity
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, org_ref
from graph.model import NodeKind, OrgForm
from graph.norms import Norms

__all__ = [
    "branch_under_minimum",
    "committee_under_threshold",
    "committee_without_concurrent_member",
    "community_over_threshold_not_committee",
]


@gap_rule(
    GapRuleName.COMMITTEE_UNDER_THRESHOLD,
    title="社区党委党员数不足",
    description="a community committee under the member threshold, not upgraded by decision",
    node_kind=NodeKind.ORGANISATION,
    source="Heshan; docs/DOMAIN.md#committee_under_threshold",
    norms=("committee_threshold",),
)
def committee_under_threshold(scope: GapScope, norms: Norms) -> Iterator[Finding]:
    for community, org in scope.community_organisations():
        if org.form is OrgForm.COMMITTEE and org.members < norms.committee_threshold and not org.upgraded:
            yield Finding(
                org_ref(org),
                community.id,
                f"{org.name} is a committee (党委) with {org.members} members, under {norms.committee_threshold}, "
                "and was not upgraded by decision (特批升格)",
            )


@gap_rule(
    GapRuleName.COMMUNITY_OVER_THRESHOLD_NOT_COMMITTEE,
    title="社区党组织可升格",
    description="advice: a community organisation at or over the committee threshold that is not a committee (may upgrade), "
    "or a branch at or over the general-branch threshold (may become a general branch)",
    node_kind=NodeKind.ORGANISATION,
    source="Heshan (100 a committee), party rules (50 a general branch), read as what may be; "
    "docs/DOMAIN.md#community_over_threshold_not_committee",
    norms=("committee_threshold", "general_branch_threshold"),
    severity=Severity.ADVICE,
)
def community_over_threshold_not_committee(scope: GapScope, norms: Norms) -> Iterator[Finding]:
    for community, org in scope.community_organisations():
        if org.form is not OrgForm.COMMITTEE and org.members >= norms.committee_threshold:
            yield Finding(
                org_ref(org),
                community.id,
                f"可升格 (may upgrade): {org.name} has {org.members} members, {norms.committee_threshold} or more, "
                f"and is a {org.form.value}; it may become a committee (党委)",
            )
        elif org.form is OrgForm.BRANCH and org.members >= norms.general_branch_threshold:
            yield Finding(
                org_ref(org),
                community.id,
                f"可升格 (may upgrade): {org.name} has {org.members} members, {norms.general_branch_threshold} or more, "
                "and is a branch; it may become a general branch (党总支)",
            )


@gap_rule(
    GapRuleName.BRANCH_UNDER_MINIMUM,
    title="党支部正式党员不足",
    description="a branch of the chain or of a unit with too few full members",
    node_kind=NodeKind.ORGANISATION,
    source="party rules, not the seeds; docs/DOMAIN.md#branch_under_minimum",
    norms=("branch_min_members",),
)
def branch_under_minimum(scope: GapScope, norms: Norms) -> Iterator[Finding]:
    for org, where in scope.organisations():
        if org.form is OrgForm.BRANCH and org.members < norms.branch_min_members:
            yield Finding(
                org_ref(org),
                where.id,
                f"branch {org.name} has {org.members} full members; a branch (党支部) needs at least {norms.branch_min_members}",
            )


@gap_rule(
    GapRuleName.COMMITTEE_WITHOUT_CONCURRENT_MEMBER,
    title="大党委无兼职委员",
    description="a community committee with no concurrent member from a resident unit",
    node_kind=NodeKind.ORGANISATION,
    source="Duyun (38 兼职委员), Suyu (大党委); docs/DOMAIN.md#committee_without_concurrent_member",
)
def committee_without_concurrent_member(scope: GapScope, _: Norms) -> Iterator[Finding]:
    for community, org in scope.community_organisations():
        if org.form is OrgForm.COMMITTEE and not org.seats:
            yield Finding(
                org_ref(org),
                community.id,
                f"{org.name} has no concurrent member (兼职委员) from a resident unit on {scope.day}: its big committee (大党委) is empty",
            )
