"""党员名册: the members table, one party member per row.

The membership stays where it is held (MEMBER_OF the organisation in ``org_id``: an in-service member's is their
work unit's); the report to a community, street or industrial park (双报到) is its own dated relation
(REPORTED_TO); the roles taken up there hang from where one serves (SERVES a grid, building or residential area).
A blank ``org_id``, ``reported_to`` or ``serves_id`` leaves what is stored as it is. The same id in household_heads
is the same person (:mod:`.people`).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from graph.i18n import _
from graph.invariants import REPORT_LEVELS
from graph.labels import label, term
from graph.model import Level, Member, MemberCategory, MemberOf, MemberRole, NodeKind, ReportedTo, Serves, UnitType
from loaders.importer.rows import BuildingRow, DefiningRow
from loaders.importer.tables.base import TableBuilder
from loaders.importer.tables.people import merged_person

__all__ = ["ROLE_LEVELS", "MemberValues", "Members"]

_BUILDING = Level.BUILDING.value
"""楼栋/院落: where building and unit leaders hold their roles."""

SERVE_LEVELS = frozenset({Level.GRID.value, Level.RESIDENTIAL_AREA.value, _BUILDING})
"""Where a member holds roles: a grid, a building or a residential area."""

ROLE_LEVELS: dict[MemberRole, frozenset[str]] = {
    MemberRole.HOUSEHOLD_HEAD: frozenset({Level.GRID.value, _BUILDING}),
    MemberRole.GRID_LEADER: frozenset({Level.GRID.value}),
    MemberRole.BUILDING_LEADER: frozenset({_BUILDING}),
    MemberRole.UNIT_LEADER: frozenset({_BUILDING}),
    MemberRole.VOLUNTEER: SERVE_LEVELS,
}
"""The levels of territory each role is held on (Fuzhou's 三长制: 网格长 on a grid, 楼栋长 and 单元长 in a building)."""


def _level_term(value: str) -> str:
    """A level named by its value, as the reader's language names it."""
    return term(Level(value)) if value else "?"


class MemberValues(NamedTuple):
    """A checked members row (:class:`loaders.format.MemberRow`)."""

    id: str
    name: str
    category: MemberCategory
    org_id: str | None
    reported_to: str | None
    reported_on: date | None
    serves_id: str | None
    roles: tuple[MemberRole, ...]
    households: int | None
    phone: str | None
    since: date | None
    until: date | None


class Members(TableBuilder[MemberValues]):
    """Party members: MemberOf the organisation holding them, ReportedTo where they reported, Serves where they hold roles."""

    table = "members"
    values = MemberValues

    def define(self, v: MemberValues, row: DefiningRow) -> None:
        level = Level.HOUSEHOLD if MemberRole.HOUSEHOLD_HEAD in v.roles else None
        row.define_person(v.id, level, "id", v)

    def nodes(self, v: MemberValues, row: BuildingRow) -> None:
        if v.org_id:
            row.ref("org_id", v.org_id, (NodeKind.ORGANISATION,))
        if v.reported_to:
            self._check_report(v, row)
        head = row.person_rows(v.id).get("household_heads")
        if v.serves_id:
            self._check_serves(v, row, head_grid=head[1].grid_id if head else None, head_row=head[0] if head else None)
        row.own("id", v.id)
        fields = merged_person(person_id=v.id, roll=v, head=head[1] if head else None, stored=row.stored_person(v.id))
        row.node(Member, **fields, properties=row.props)

    def edges(self, v: MemberValues, row: BuildingRow) -> None:
        if v.org_id:
            row.edge(MemberOf, v.id, v.org_id, valid_from=v.since, valid_to=v.until)
        if v.reported_to:
            row.edge(ReportedTo, v.id, v.reported_to, valid_from=v.reported_on)
        if v.serves_id and "household_heads" not in row.person_rows(v.id):
            row.edge(Serves, v.id, v.serves_id)

    def _check_report(self, v: MemberValues, row: BuildingRow) -> None:
        assert v.reported_to is not None
        found = row.ref("reported_to", v.reported_to, (NodeKind.TERRITORY, NodeKind.UNIT))
        if found is None:
            return
        if found.kind is NodeKind.TERRITORY and found.level not in REPORT_LEVELS:
            level = term(found.level) if found.level is not None else "?"
            row.problem("reported_to", v.reported_to, _("是%(level)s；报到（双报到）的去处是社区、街道或园区", level=level))
        elif found.kind is NodeKind.UNIT and found.unit_type is not UnitType.INDUSTRIAL_PARK:
            what = term(found.unit_type) if found.unit_type is not None else term(NodeKind.UNIT)
            row.problem("reported_to", v.reported_to, _("是%(what)s，不是园区；报到（双报到）的去处是社区、街道或园区", what=what))

    def _check_serves(self, v: MemberValues, row: BuildingRow, *, head_grid: str | None, head_row: int | None) -> None:
        assert v.serves_id is not None
        if head_grid is not None and head_grid != v.serves_id:
            reason = _("household_heads 第 %(row)s 行让此人服务 %(grid)s；一人只服务一处：请填写同一个编号", row=head_row, grid=head_grid)
            row.problem("serves_id", v.serves_id, reason)
            return
        found = row.ref("serves_id", v.serves_id, (NodeKind.TERRITORY,))
        if found is None:
            return
        level = found.level.value if found.level is not None else ""
        if level not in SERVE_LEVELS:
            row.problem("serves_id", v.serves_id, _("是%(level)s；角色在网格、楼栋或小区担任", level=_level_term(level)))
            return
        for role in v.roles:
            if level not in ROLE_LEVELS[role]:
                wanted = " / ".join(_level_term(lv) for lv in sorted(ROLE_LEVELS[role]))
                reason = _(
                    "%(role)s在%(wanted)s担任；服务网格 %(serves)s 是%(level)s",
                    role=term(role),
                    wanted=wanted,
                    serves=v.serves_id,
                    level=_level_term(level),
                )
                row.problem("roles", label(role), reason)
