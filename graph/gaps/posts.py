"""Gap rules of posts (职务): a party organisation without a secretary, a post left vacant, and a
residents' committee without a director.

Each reads the posts on record in a body (:class:`graph.store.PostFacts`, any term) and decides by
the day of the scope; docs/DOMAIN.md has a section for each, and #post_vacant_days for the norm.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from graph.gaps.facts import GapScope
from graph.gaps.names import GapRuleName
from graph.gaps.rule import Finding, gap_rule, org_ref
from graph.i18n import N_, _
from graph.labels import term
from graph.model import Level, NodeKind, OrgForm, PostKind, UnitType
from graph.norms import Norms
from graph.scope import NodeRef
from graph.store import PostFacts

__all__ = ["organisation_without_secretary", "post_vacant", "residents_committee_without_director"]


def holds_on(post: PostFacts, day: date) -> bool:
    """Whether a post's term covers the day (both ends inclusive, None open)."""
    return (post.valid_from is None or post.valid_from <= day) and (post.valid_to is None or day <= post.valid_to)


def _bodies(scope: GapScope) -> Iterator[tuple[NodeRef, tuple[PostFacts, ...], str]]:
    """Every body of the scope with its posts and the territory it sits at: organisations, then units' own posts."""
    for org, where in scope.organisations():
        yield org_ref(org), org.posts, where.id
    for community in scope.of_level(Level.COMMUNITY):
        for unit in scope.chain[community.id].units:
            if unit.posts:
                yield NodeRef(id=unit.id, kind=NodeKind.UNIT, name=unit.name), unit.posts, community.id


@gap_rule(
    GapRuleName.ORGANISATION_WITHOUT_SECRETARY,
    title=N_("党组织无书记"),
    description=N_("当天没有在任书记的区以下党组织（党小组除外）"),
    node_kind=NodeKind.ORGANISATION,
    source="Duyun (小区党支部书记), Haishu (社区书记); docs/DOMAIN.md#organisation_without_secretary",
)
def organisation_without_secretary(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for org, where in scope.organisations():
        if org.form is OrgForm.GROUP or org.level is Level.DISTRICT:
            continue  # a party group has a 组长, not a 书记; the district committee is above the grassroots the seeds count
        if not any(p.post is PostKind.SECRETARY and holds_on(p, scope.day) for p in org.posts):
            yield Finding(org_ref(org), where.id, _("%(org)s 在 %(day)s 没有在任书记", org=org.name, day=scope.day))


@gap_rule(
    GapRuleName.POST_VACANT,
    title=N_("职务空缺"),
    description=N_("单人职务的最后一任离任超过 post_vacant_days 天、其后无人接任"),
    node_kind=NodeKind.POST,
    source="Duyun (一肩挑), Haishu (书记、主任); docs/DOMAIN.md#post_vacant",
    norms=("post_vacant_days",),
)
def post_vacant(scope: GapScope, norms: Norms) -> Iterator[Finding]:
    limit = scope.day - timedelta(days=norms.post_vacant_days)
    for body, posts, where in _bodies(scope):
        by_kind: dict[PostKind, list[PostFacts]] = {}
        for p in posts:
            if p.post.single:
                by_kind.setdefault(p.post, []).append(p)
        for kind, terms in by_kind.items():
            if any(holds_on(p, scope.day) for p in terms):
                continue
            ended = [p for p in terms if p.valid_to is not None and p.valid_to < scope.day]
            if not ended or len(ended) < len(terms):
                continue  # a term yet to start follows (or none has ended): not vacant
            last = max(ended, key=lambda p: (p.valid_to, p.id))
            assert last.valid_to is not None
            if last.valid_to < limit:
                ref = NodeRef(id=last.id, kind=NodeKind.POST, name=last.person or _("职务 %(id)s", id=last.id))
                yield Finding(
                    ref,
                    where,
                    _(
                        "%(body)s 的%(post)s自 %(since)s 起空缺，超过 %(days)s 天",
                        body=body.name,
                        post=term(kind),
                        since=last.valid_to + timedelta(days=1),
                        days=norms.post_vacant_days,
                    ),
                )


@gap_rule(
    GapRuleName.RESIDENTS_COMMITTEE_WITHOUT_DIRECTOR,
    title=N_("居委会无主任"),
    description=N_("当天没有在任主任的社区居民委员会"),
    node_kind=NodeKind.UNIT,
    source="Haishu (社区书记兼居委会主任); docs/DOMAIN.md#residents_committee_without_director",
)
def residents_committee_without_director(scope: GapScope, _norms: Norms) -> Iterator[Finding]:
    for community in scope.of_level(Level.COMMUNITY):
        for unit in scope.chain[community.id].units:
            if unit.unit_type is UnitType.RESIDENTS_COMMITTEE and not any(
                p.post is PostKind.DIRECTOR and holds_on(p, scope.day) for p in unit.posts
            ):
                ref = NodeRef(id=unit.id, kind=NodeKind.UNIT, name=unit.name)
                yield Finding(ref, community.id, _("居委会 %(name)s 在 %(day)s 没有在任主任", name=unit.name, day=scope.day))
