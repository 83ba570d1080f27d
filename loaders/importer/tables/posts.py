"""职务: the posts table, one person's term in one post of a body (a party organisation, a residents',
owners' committee or property company) per row.

A post row has no id column: its id is made from body, post, holder and start (:func:`post_id`), so
importing the same term again updates it (an ``until`` filled in later closes it) rather than adding
a second. Two terms of one single-holder post (书记, 主任...) that overlap are refused, naming both rows.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from graph.errors import UnknownNode
from graph.i18n import _
from graph.labels import term
from graph.model import EdgeKind, HeldBy, Member, NodeKind, Post, PostIn, PostKind, UnitType, post_id
from graph.store import Direction
from loaders.importer.index import FileTerm
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder

__all__ = ["BODY_UNIT_TYPES", "PostValues", "Posts", "post_id"]

BODY_UNIT_TYPES = frozenset({UnitType.RESIDENTS_COMMITTEE, UnitType.OWNERS_COMMITTEE, UnitType.PROPERTY_COMPANY})
"""The units that have posts of their own (居委会, 业委会, 物业服务企业); any party organisation has them too."""


class PostValues(NamedTuple):
    """A checked posts row (:class:`loaders.format.PostRow`)."""

    body_id: str
    post: PostKind
    person_id: str | None
    person: str | None
    since: date | None
    until: date | None

    @property
    def id(self) -> str:
        return post_id(self.body_id, self.post, self.person_id or self.person or "", self.since)


def _overlap(a_since: date | None, a_until: date | None, b_since: date | None, b_until: date | None) -> bool:
    """Whether two terms share a day (ends inclusive, None open)."""
    return not (
        (a_until is not None and b_since is not None and a_until < b_since)
        or (b_until is not None and a_since is not None and b_until < a_since)
    )


def _term(since: date | None, until: date | None) -> str:
    return f"{since or '…'} – {until or '…'}"


class Posts(TableBuilder[PostValues]):
    """Posts POST_IN their body, HELD_BY the member named, where one is."""

    table = "posts"
    values = PostValues

    def define(self, v: PostValues, row: DefiningRow) -> None:
        pid = v.id
        row.define(pid, NodeKind.POST, None, "body_id")
        if not v.post.single:
            return
        terms = row.terms.setdefault((v.body_id, v.post.family.value), [])
        for other in terms:
            if _overlap(other.since, other.until, v.since, v.until):
                reason = _(
                    "一职多人：第 %(row)s 行在 %(other)s 担任 %(body)s 的%(post)s，与这一行的 %(mine)s 重叠；"
                    "一个职务同一时间只有一人：请让前一任期（until）在后一任期开始前结束",
                    row=other.row,
                    post=term(v.post),
                    body=v.body_id,
                    other=_term(other.since, other.until),
                    mine=_term(v.since, v.until),
                )
                row.problem("since", v.since, reason)
                break
        terms.append(FileTerm(v.since, v.until, row.number, pid))

    def nodes(self, v: PostValues, row: BuildingRow) -> None:
        body = row.ref("body_id", v.body_id, (NodeKind.ORGANISATION, NodeKind.UNIT))
        if body is not None and body.kind is NodeKind.UNIT and body.unit_type not in BODY_UNIT_TYPES:
            what = term(body.unit_type) if body.unit_type else term(NodeKind.UNIT)
            reason = _("是%(what)s；职务只设在党组织、居民委员会、业主委员会或物业服务企业中", what=what)
            row.problem("body_id", v.body_id, reason)
        if v.person_id:
            row.ref("person_id", v.person_id, (NodeKind.MEMBER,))
        pid = v.id
        row.own("body_id", pid)
        post = (
            PostKind.CHAIR if body is not None and body.unit_type is UnitType.OWNERS_COMMITTEE and v.post is PostKind.DIRECTOR else v.post
        )
        if body is not None and v.post.single and row.stored(v.body_id):
            self._overlaps_stored(v, row, pid)
        person = v.person or self._member_name(row, v.person_id)
        row.node(Post, id=pid, post=post, person=person, valid_from=v.since, valid_to=v.until, properties=row.props)

    def edges(self, v: PostValues, row: BuildingRow) -> None:
        pid, term = v.id, {"valid_from": v.since, "valid_to": v.until}
        row.edge(PostIn, pid, v.body_id, **term)
        if v.person_id:
            row.edge(HeldBy, pid, v.person_id, **term)
        else:
            row.unlink(pid, EdgeKind.HELD_BY, keep=set())

    @staticmethod
    def _member_name(row: BuildingRow, member_id: str | None) -> str | None:
        if not member_id:
            return None
        try:  # the store as it is now: a member this file adds is written (pass 2, members before posts) by then
            node = row.store.node(member_id)
        except UnknownNode:
            return None
        return node.name if isinstance(node, Member) else None

    @staticmethod
    def _overlaps_stored(v: PostValues, row: BuildingRow, pid: str) -> None:
        """A stored term of the same post, which this file does not restate, that overlaps this row's."""
        family = v.post.family
        for edge in row.store.edges_of(v.body_id, kind=EdgeKind.POST_IN, direction=Direction.IN):
            if edge.source == pid or row.defined(edge.source):
                continue
            try:
                other = row.store.node(edge.source)
            except UnknownNode:
                continue
            if isinstance(other, Post) and other.post.family is family and _overlap(other.valid_from, other.valid_to, v.since, v.until):
                who = other.person or other.id
                reason = _(
                    "一职多人：%(who)s 在记录（%(id)s）中于 %(other)s 担任 %(body)s 的%(post)s，与这一行的 %(mine)s 重叠；"
                    "一个职务同一时间只有一人：请在本文件中给前一任期写上 until",
                    who=who,
                    post=term(other.post),
                    body=v.body_id,
                    id=other.id,
                    other=_term(other.valid_from, other.valid_to),
                    mine=_term(v.since, v.until),
                )
                row.problem("since", v.since, reason)
                return
