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
from graph.i18n import N_, _
from graph.labels import term
from graph.model import Level, NodeKind, OrgForm
from graph.norms import Norms

__all__ = [
    "big_working_committee_without_unit",
    "branch_under_minimum",
    "committee_under_threshold",
    "committee_without_concurrent_member",
    "community_over_threshold_not_committee",
]


@gap_rule(
    GapRuleName.COMMITTEE_UNDER_THRESHOLD,
    title=N_("社区党委党员数不足"),
    description=N_("党员数未达门槛、又未经特批升格的社区党委"),
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
                _(
                    "%(org)s 是党委，党员 %(members)s 名，少于 %(threshold)s 名，且未经特批升格",
                    org=org.name,
                    members=org.members,
                    threshold=norms.committee_threshold,
                ),
            )


@gap_rule(
    GapRuleName.COMMUNITY_OVER_THRESHOLD_NOT_COMMITTEE,
    title=N_("社区党组织可升格"),
    description=N_("建议：党员数达到党委门槛、尚不是党委的社区党组织（可升格），或达到党总支门槛的党支部"),
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
                _(
                    "可升格：%(org)s 有党员 %(members)s 名，达到 %(threshold)s 名，仍是%(form)s，可升格为党委",
                    org=org.name,
                    members=org.members,
                    threshold=norms.committee_threshold,
                    form=term(org.form),
                ),
            )
        elif org.form is OrgForm.BRANCH and org.members >= norms.general_branch_threshold:
            yield Finding(
                org_ref(org),
                community.id,
                _(
                    "可升格：%(org)s 有党员 %(members)s 名，达到 %(threshold)s 名，仍是党支部，可升格为党总支",
                    org=org.name,
                    members=org.members,
                    threshold=norms.general_branch_threshold,
                ),
            )


@gap_rule(
    GapRuleName.BRANCH_UNDER_MINIMUM,
    title=N_("党支部正式党员不足"),
    description=N_("正式党员过少的党支部（五级链条的或单位的）"),
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
                _(
                    "党支部 %(org)s 有正式党员 %(members)s 名；党支部至少需要 %(minimum)s 名",
                    org=org.name,
                    members=org.members,
                    minimum=norms.branch_min_members,
                ),
            )


@gap_rule(
    GapRuleName.COMMITTEE_WITHOUT_CONCURRENT_MEMBER,
    title=N_("大党委无兼职委员"),
    description=N_("没有来自驻区单位兼职委员的社区党委"),
    node_kind=NodeKind.ORGANISATION,
    source="Duyun (38 兼职委员), Suyu (大党委); docs/DOMAIN.md#committee_without_concurrent_member",
)
def committee_without_concurrent_member(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for community, org in scope.community_organisations():
        if org.form is OrgForm.COMMITTEE and not org.seats:
            yield Finding(
                org_ref(org),
                community.id,
                _("%(org)s 在 %(day)s 没有来自驻区单位的兼职委员：大党委是空的", org=org.name, day=scope.day),
            )


@gap_rule(
    GapRuleName.BIG_WORKING_COMMITTEE_WITHOUT_UNIT,
    title=N_("街道大工委无成员单位"),
    description=N_("没有成员单位的街道党工委（大工委）"),
    node_kind=NodeKind.ORGANISATION,
    source="Suyu (大工委……要将辖内主要和重要单位吸收为工委单位成员); docs/DOMAIN.md#big_working_committee_without_unit",
)
def big_working_committee_without_unit(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for street in scope.of_level(Level.STREET):
        org = scope.organisation(street.id)
        if org is not None and not org.seats:
            reason = _("%(org)s 在 %(day)s 没有成员单位：大工委是空的", org=org.name, day=scope.day)
            yield Finding(org_ref(org), street.id, reason)
