"""One row on its way in: what a table builder may ask of the import while it indexes (pass 1) or builds (passes 2, 3) a row.

The builders see the run only through these two faces, so that the id index, the scope, the
problems and ``--replace`` bookkeeping are each done one way, here, whichever table asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from graph.errors import UnknownNode
from graph.i18n import _
from graph.labels import term
from graph.model import ID_PATTERN, Batch, EdgeKind, Level, Member, NodeKind, Provenance
from graph.store import Direction, GraphStore
from loaders.importer.index import FileAlliance, FileTerm, IdIndex, Known
from loaders.importer.problems import Problem, Problems, located, shown
from loaders.importer.replace import Replacement
from loaders.importer.scope import ScopeGuard

__all__ = ["BuildingRow", "DefiningRow", "ImportContext"]


@dataclass(frozen=True, slots=True)
class ImportContext:
    """What every row of one import shares."""

    store: GraphStore
    index: IdIndex
    guard: ScopeGuard
    problems: Problems
    replacement: Replacement | None
    """The import's --replace, if it has one."""


class _Row:
    __slots__ = ("_ctx", "cells", "number", "table")

    def __init__(self, ctx: ImportContext, table: str, number: int, cells: list[Any]) -> None:
        self._ctx = ctx
        self.table = table
        self.number = number
        self.cells = cells

    @property
    def alliances(self) -> dict[str, FileAlliance]:
        """The alliances the file names, by id."""
        return self._ctx.index.alliances

    @property
    def terms(self) -> dict[tuple[str, str], list[FileTerm]]:
        """The terms of single-holder posts the file gives, by (body, post)."""
        return self._ctx.index.terms

    @property
    def store(self) -> GraphStore:
        """The store the import writes to (read only here)."""
        return self._ctx.store

    def problem(self, column: str, value: Any, reason: str) -> None:
        """Report a problem with a cell of this row; the row goes to the problems file."""
        self._ctx.problems.add(Problem(table=self.table, row=self.number, column=column, value=shown(value), reason=reason), self.cells)


class DefiningRow(_Row):
    """A checked row in pass 1: it enters the ids it defines in the index."""

    __slots__ = ()

    def define(self, node_id: str, kind: NodeKind, level: Level | None, column: str) -> None:
        """Enter an id this row defines; a duplicate of an earlier row's is a problem."""
        before = self._ctx.index.define(node_id, kind, level, table=self.table, row=self.number)
        if before is not None:
            self.problem(column, node_id, _("id 重复：%(table)s 第 %(row)s 行也用了它；id 不能重复", table=before[0], row=before[1]))

    def define_person(self, node_id: str, level: Level | None, column: str, values: Any) -> None:
        """Enter the person a row of members or household_heads describes; one row per table for each person."""
        before = self._ctx.index.define_person(node_id, level, table=self.table, row=self.number, values=values)
        if before is not None:
            self.problem(column, node_id, _("id 重复：%(table)s 第 %(row)s 行也用了它；id 不能重复", table=before[0], row=before[1]))

    def define_org(self, owner: str, org_id: str | None, level: Level, column: str) -> None:
        """Enter the party organisation this row puts over a territory or unit: ``org_id``, or when blank ``o-<owner>``."""
        if org_id is None:
            org_id = f"o-{owner}"
            if not ID_PATTERN.match(org_id):
                self.problem(column, None, _("为空，而 %(org_id)s 会超过 80 个字符：请给这个党组织一个 id", org_id=org_id))
        self.define(org_id, NodeKind.ORGANISATION, level, column)
        self._ctx.index.org_of[owner] = org_id

    def define_joint_org(self, owner: str, org_id: str, level: Level, column: str, signature: tuple[object, ...]) -> None:
        """A structure row's organisation by its given id: the same id on several rows of one level is one joint
        organisation (联合党支部) covering each territory; rows that disagree on its ``signature`` (name, form) are a problem."""
        index = self._ctx.index
        first = index.joint.get(org_id)
        if first is None:
            self.define_org(owner, org_id, level, column)
            index.joint[org_id] = (self.number, level, signature)
            return
        row, first_level, first_signature = first
        if first_level is not level:
            reason = _(
                "重复编号：%(table)s 第 %(row)s 行已把它给了%(first)s；联合党支部只覆盖同一层级的地域，不能再覆盖%(level)s",
                table=self.table,
                row=row,
                first=term(first_level),
                level=term(level),
            )
            self.problem(column, org_id, reason)
        elif first_signature != signature:
            shown_first = " / ".join(str(getattr(v, "value", v)) for v in first_signature)
            shown_here = " / ".join(str(getattr(v, "value", v)) for v in signature)
            reason = _(
                "联合党组织各行不一致：%(table)s 第 %(row)s 行为 %(first)s，本行为 %(here)s；"
                "同一联合党组织各行的 org_name 和 org_form 应相同",
                table=self.table,
                row=row,
                first=shown_first,
                here=shown_here,
            )
            self.problem(column, org_id, reason)
        index.org_of[owner] = org_id

    def manages(self, unit_id: str, area_id: str) -> None:
        """Note a residential area a structure row says a unit runs (managed_by), so the unit's own row keeps it."""
        self._ctx.index.managed.setdefault(unit_id, set()).add(area_id)

    def unit_type(self, unit_id: str, unit_type: Any) -> None:
        """Note the type of a unit this row defines (a post's body must be of a few types)."""
        self._ctx.index.unit_types[unit_id] = unit_type

    def place(self, territory_id: str, parent_id: str | None) -> None:
        """Note the parent this row gives a territory, so that a scoped import can tell where the territory will lie."""
        self._ctx.guard.place(territory_id, parent_id)


class BuildingRow(_Row):
    """A checked row in pass 2 (its nodes) or 3 (its edges): checks its references and adds to the batch."""

    __slots__ = ("batch", "props", "provenance")

    def __init__(
        self, ctx: ImportContext, table: str, number: int, cells: list[Any], *, props: dict[str, Any], provenance: Provenance, batch: Batch
    ) -> None:
        super().__init__(ctx, table, number, cells)
        self.props = props
        """What the row's columns beyond the format hold: kept as the record's properties."""
        self.provenance = provenance
        self.batch = batch

    @property
    def scope(self) -> str | None:
        """The territory the import is held to, if any."""
        return self._ctx.guard.scope

    def parent_of(self, territory_id: str) -> str | None:
        """The territory a stored one lies within now."""
        return self._ctx.guard.parent_of(territory_id)

    def known(self, node_id: str) -> Known | None:
        """What the file, or else the store, says of a node."""
        return self._ctx.index.known(node_id)

    def person_rows(self, node_id: str) -> dict[str, tuple[int, Any]]:
        """The file's rows describing a person, by table, when both person tables do (else empty)."""
        return self._ctx.index.person_rows(node_id)

    def stored_person(self, node_id: str) -> Member | None:
        """The person as the store holds them, if it does: what a row of one person table keeps of what another said."""
        if not self._ctx.index.has_people:
            return None
        try:
            node = self._ctx.store.node(node_id)
        except UnknownNode:
            return None
        return node if isinstance(node, Member) else None

    def membership(self, member_id: str) -> str | None:
        """The organisation holding a stored member's membership now (MEMBER_OF), if any."""
        if not self._ctx.index.has_people:
            return None
        try:
            held = self._ctx.store.edges_of(member_id, kind=EdgeKind.MEMBER_OF)
        except UnknownNode:
            return None
        return held[0].target if held else None

    def defines_first(self, node_id: str) -> bool:
        """Whether this row is the one defining an id (a joint organisation's other rows only cover with it)."""
        return self._ctx.index.row_of(node_id) == (self.table, self.number)

    def managed_here(self, unit_id: str) -> set[str]:
        """The residential areas the file's structure rows say a unit runs (managed_by)."""
        return self._ctx.index.managed.get(unit_id, set())

    def defined(self, node_id: str) -> bool:
        """Whether a row of this file defines the id."""
        return self._ctx.index.defines(node_id)

    def stored(self, node_id: str) -> bool:
        """Whether the store holds the node already (the row changes it) or not (the row creates it)."""
        return self._ctx.index.stored(node_id) is not None

    def ref(
        self, column: str, node_id: str, kinds: tuple[NodeKind, ...], levels: tuple[Level, ...] = (), *, anywhere: bool = False
    ) -> Known | None:
        """The node a cell refers to, if it exists and is of the right kind and level (and, for a scoped
        import, lies in the scope unless ``anywhere``); else a problem and None."""
        ctx = self._ctx
        if ctx.replacement is not None:
            ctx.replacement.referenced.add(node_id)
        found = ctx.index.known(node_id)
        wanted = _("或").join(term(lv) for lv in levels) if levels else _("或").join(term(k) for k in kinds)
        outside = found is not None and found.table is None and not anywhere and not ctx.guard.allows(node_id)
        if found is None or outside:
            # the same words for a missing id and another territory's: a refusal is no way to learn what exists elsewhere
            if ctx.guard.scope is None:
                reason = _("本文件和图中都没有这个 id 的%(wanted)s", wanted=wanted)
            else:
                reason = _("本文件和 %(scope)s（本次导入可以修改的辖区）中都没有这个 id 的%(wanted)s", scope=ctx.guard.scope, wanted=wanted)
            self.problem(column, node_id, reason)
            return None
        if found.kind not in kinds or (levels and found.level not in levels):
            what = term(found.level) if found.level and found.kind is NodeKind.TERRITORY else term(found.kind)
            if found.table:
                reason = _(
                    "是%(what)s（%(table)s 第 %(row)s 行）；这里需要%(wanted)s", what=what, table=found.table, row=found.row, wanted=wanted
                )
            else:
                reason = _("是%(what)s（在图中）；这里需要%(wanted)s", what=what, wanted=wanted)
            self.problem(column, node_id, reason)
            return None
        return found

    def own(self, column: str, node_id: str) -> None:
        """A record the row writes: for a scoped import, one already in the store must lie in the scope,
        and one the scope does not hold whole (shared with another territory) may only be restated as it is."""
        ctx = self._ctx
        if ctx.guard.scope is None or ctx.index.stored(node_id) is None:
            return
        if not ctx.guard.allows(node_id):
            reason = _("这个 id 不能写入 %(scope)s（本次导入可以修改的辖区）：请换一个 id", scope=ctx.guard.scope)
            self.problem(column, node_id, reason)
        elif not ctx.guard.holds(node_id):
            ctx.guard.shared[node_id] = column

    def beyond(self, node_id: str) -> bool:
        """For a scoped import, whether a stored record lies outside the scope (a system organisation, the district's)."""
        ctx = self._ctx
        return ctx.guard.scope is not None and ctx.index.stored(node_id) is not None and not ctx.guard.allows(node_id)

    def restates(self, model: type[BaseModel], *, parent: tuple[EdgeKind, str | None] | None = None, **fields: Any) -> bool:
        """Whether the row gives a stored record exactly as it is (and, with ``parent``, the same target of that edge kind)."""
        made = self._made(model, provenance=self.provenance, **fields)
        if made is None or self._ctx.guard.changes_node(made):
            return False
        if parent is None:
            return True
        kind, target = parent
        stored = [e.target for e in self._ctx.store.edges_of(made.id, kind=kind)]
        return stored == ([target] if target else [])

    def lands(self, column: str, value: Any, territory_id: str) -> None:
        """A territory the row lists: for a scoped import, its parents (the file's, then the graph's) must lead to the scope."""
        scope = self._ctx.guard.scope
        if scope is not None and territory_id != scope and not self._ctx.guard.lands_within(territory_id):
            reason = _(
                "不在本辖区内：%(territory)s 会落在 %(scope)s（本次导入唯一可以修改的辖区）之外；请给它一个 %(scope)s 之内的 parent_id",
                territory=territory_id,
                scope=scope,
            )
            self.problem(column, value, reason)

    def joined(self, member: str, alliance: str) -> None:
        """Note a membership the file lists: under --replace it stays, and the alliance's others go."""
        if self._ctx.replacement is not None:
            self._ctx.replacement.memberships.add((member, alliance))

    def node(self, model: type[BaseModel], **fields: Any) -> None:
        """Add a node to the batch; what the graph model refuses, or a change to a shared record, is a problem of this row."""
        made = self._made(model, provenance=self.provenance, **fields)
        if made is not None and made.id in self._ctx.guard.shared and self._ctx.guard.changes_node(made):
            self._shared_changed(made.id)
        elif made is not None:
            self.batch.nodes.append(made)

    def edge(self, model: type[BaseModel], source: str, target: str, **fields: Any) -> None:
        """Add an edge to the batch; what the graph model refuses, or a change to a shared record, is a problem of this row."""
        made = self._made(model, source=source, target=target, provenance=self.provenance, **fields)
        shared = self._ctx.guard.shared
        if made is not None and (source in shared or target in shared) and self._ctx.guard.changes_edge(made):
            self._shared_changed(source if source in shared else target)
        elif made is not None:
            self.batch.edges.append(made)

    def withheld_holder(self, seat_id: str) -> tuple[str, str | None] | None:
        """For a scoped import, a stored seat's holder lying outside the scope, with the person the seat records.

        The key's own export leaves both out (service.policy withholds another territory's person), so a row
        that names neither restates the seat as the key sees it: the holder and the person stay.
        """
        ctx = self._ctx
        if ctx.guard.scope is None or ctx.index.stored(seat_id) is None:
            return None
        for edge in ctx.store.edges_of(seat_id, kind=EdgeKind.HELD_BY):
            if not ctx.guard.allows(edge.target):
                return edge.target, getattr(ctx.store.node(seat_id), "person", None)
        return None

    def unlink(self, source: str, kind: EdgeKind, *, keep: set[str]) -> None:
        """Remove the stored edges of a kind from a record that its row no longer implies (few rows ask this)."""
        if self._ctx.index.was_empty:
            return  # nothing was stored: the import's own rows give each edge once, and unlink none
        try:
            stored = self._ctx.store.edges_of(source, kind=kind)
        except UnknownNode:
            return  # a new record has nothing to unlink
        gone = [e.ref for e in stored if e.target not in keep]
        if gone and source in self._ctx.guard.shared:
            self._shared_changed(source)
        else:
            self.batch.remove_edges.extend(gone)

    def unlink_in(self, target: str, kind: EdgeKind, *, keep: set[str]) -> None:
        """Remove the stored edges of a kind into a record from sources its row no longer lists (a team's former members)."""
        if self._ctx.index.was_empty:
            return
        try:
            stored = self._ctx.store.edges_of(target, kind=kind, direction=Direction.IN)
        except UnknownNode:
            return
        gone = [e.ref for e in stored if e.source not in keep]
        if gone and target in self._ctx.guard.shared:
            self._shared_changed(target)
        else:
            self.batch.remove_edges.extend(gone)

    def _shared_changed(self, record_id: str) -> None:
        guard = self._ctx.guard
        if (self.table, self.number, record_id) in guard.reported:
            return  # once per row, however many of its fields and links would change
        guard.reported.add((self.table, self.number, record_id))
        reason = _(
            "共享记录：%(record)s 与 %(scope)s 以外的辖区相关；只有辖区包含所有这些辖区的密钥或不限辖区的密钥才能修改它："
            "请让这一行保持记录原样",
            record=record_id,
            scope=guard.scope,
        )
        self.problem(guard.shared[record_id], record_id, reason)

    def _made(self, model: type[BaseModel], **fields: Any) -> Any:
        try:
            return model(**fields)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                column, reason = located(error)
                self.problem(column or "", fields.get(column or ""), reason)
            return None
