"""Exporting the graph, or one scope of it: back into the import format, and for other tools.

- ``.xlsx`` or a folder (or ``.zip``) of CSV files: the import format, so that importing the
  export into an empty store gives the same graph (a round trip). Text that a spreadsheet would
  run as a formula is written as text: a string cell in xlsx, a single quote before it in CSV
  (OWASP, "CSV Injection"); the import drops that quote again (``loaders.format.unquoted``).
- ``.graphml`` and ``.gexf`` (Gephi): every attribute a plain string, number or boolean.
- ``.json``: Popolo-shaped (areas, organizations with ``parent_id``, persons, memberships
  with ``on_behalf_of_id``, ``post_id``, ``start_date``, ``end_date``, and posts with their
  terms), the open standard for organisations and their posts; service teams are organizations
  (``team:<kind>``); co-building agreements ride along as ``agreements``.

Every file is written beside its target and renamed over it: a failed export leaves no half file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import networkx as nx

from graph.access import belonging_kinds
from graph.errors import UnknownNode, WrongKind
from graph.files import atomic_write
from graph.i18n import _
from graph.invariants import ENDPOINTS, in_force_last, latest
from graph.labels import label, term
from graph.model import (
    SIX_HAVES,
    Agreement,
    Alliance,
    Edge,
    EdgeKind,
    Level,
    Member,
    MemberRole,
    Node,
    NodeKind,
    Organisation,
    Post,
    Seat,
    ServiceCentre,
    Team,
    Territory,
    Unit,
)
from graph.store import Direction, GraphStore
from loaders.format import TABLES, quoted, unquoted

__all__ = ["FORMATS", "ExportSummary", "export", "format_of", "table_rows"]

FORMATS = ("xlsx", "csv", "zip", "graphml", "gexf", "json")
_LIST_JOIN = "；"


@dataclass
class ExportSummary:
    path: Path
    format: str
    rows: Counter[str] = field(default_factory=Counter)
    left_out: Counter[str] = field(default_factory=Counter)
    """Records the import format has no place for (a member who is not a household head...)."""


def format_of(path: Path, fmt: str | None = None) -> str:
    """The export format: as asked, or from the path's suffix (a path without one is a CSV folder)."""
    if fmt:
        if fmt not in FORMATS:
            raise ValueError(_("没有导出格式 %(format)r；可选：%(formats)s", format=fmt, formats=", ".join(FORMATS)))
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix == "":
        return "csv"
    hint = ".xlsx、.zip、.graphml、.gexf、.json"
    raise ValueError(_("%(name)s：从 .%(suffix)s 看不出格式；请用 %(hint)s 或文件夹名", name=path.name, suffix=suffix, hint=hint))


def export(
    store: GraphStore,
    path: Path,
    *,
    scope: str | None = None,
    fmt: str | None = None,
    ancestors: bool = True,
    mask: Callable[[Node], Node] | None = None,
    keep: Callable[[str], bool] | None = None,
) -> ExportSummary:
    """Write the graph (or the scope: a territory with everything under it, and its ancestors) to ``path``.

    ``ancestors=False`` leaves out the territories above the scope and ``keep`` every node it
    refuses (for a key held to the scope: a seat's holder from another street stays out);
    ``mask`` rewrites every node the file carries for readers who may not see it whole (phones, extra columns).
    """
    path = Path(path)
    chosen = format_of(path, fmt)
    view = _View.of(store, scope, ancestors=ancestors)
    if keep is not None:
        view.only(keep)
    if mask is not None:
        view.mask(mask)
    summary = ExportSummary(path=path, format=chosen)
    if chosen in ("xlsx", "csv", "zip"):
        tables = table_rows(view, summary)
        if chosen == "xlsx":
            atomic_write(path, _xlsx(tables))
        elif chosen == "zip":
            atomic_write(path, _zip(tables))
        else:
            _csv_folder(path, tables)
    elif chosen in ("graphml", "gexf"):
        graph = _networkx(view)
        buffer = io.BytesIO()
        (nx.write_graphml if chosen == "graphml" else nx.write_gexf)(graph, buffer)
        atomic_write(path, buffer.getvalue())
        summary.rows.update({"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()})
    else:
        document = _popolo(view)
        atomic_write(path, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
        summary.rows.update({k: len(v) for k, v in document.items() if isinstance(v, list)})
    return summary


# -- what is exported -------------------------------------------------------------------------


@dataclass
class _View:
    """The nodes and edges of the export, with the lookups every format needs."""

    nodes: dict[str, Node]
    edges: list[Edge]
    out: dict[EdgeKind, dict[str, list[Edge]]]
    into: dict[EdgeKind, dict[str, list[Edge]]]
    above: dict[str, str] = field(default_factory=dict)
    """The scope's parent, when the export leaves the territories above the scope out: its row still names it."""

    @classmethod
    def of(cls, store: GraphStore, scope: str | None, *, ancestors: bool = True) -> _View:
        """The whole graph, or a scope's part of it read from the scope outward (never the whole graph's lists)."""
        if scope is None:
            return cls._indexed({n.id: n for n in store.nodes()}, list(store.edges()), above={})
        root = store.node(scope)  # raises UnknownNode, naming it
        if not isinstance(root, Territory):
            raise WrongKind(_("导出的范围应是一个地域（区、街道、社区……）；%(scope)s 是%(kind)s", scope=scope, kind=term(root.kind)))
        keep, parent = _scope_ids(store, scope, ancestors=ancestors)
        nodes: dict[str, Node] = {}
        for node_id in sorted(keep):  # by id: the order every format writes a scope's nodes in
            try:
                nodes[node_id] = store.node(node_id)
            except UnknownNode:  # removed by a write since the walk: not part of the file
                continue
        # Every edge between two kept nodes, once, from its source's side (in the order the store gives them).
        edges = [e for node_id in nodes for e in store.edges_of(node_id) if e.target in nodes]
        above = {scope: parent} if parent is not None and parent not in nodes else {}
        return cls._indexed(nodes, edges, above=above)

    @classmethod
    def _indexed(cls, nodes: dict[str, Node], edges: list[Edge], *, above: dict[str, str]) -> _View:
        view = cls(nodes, edges, defaultdict(lambda: defaultdict(list)), defaultdict(lambda: defaultdict(list)), above)
        view.index()
        return view

    def index(self) -> None:
        for e in self.edges:
            self.out[e.kind][e.source].append(e)
            self.into[e.kind][e.target].append(e)

    def mask(self, mask: Callable[[Node], Node]) -> None:
        """Rewrite every node through ``mask`` (the reader's policy decides what of it is personal)."""
        self.nodes = {node_id: mask(node) for node_id, node in self.nodes.items()}

    def only(self, keep: Callable[[str], bool]) -> None:
        """Leave out the nodes ``keep`` refuses, and the edges that touch them (a key held to a territory)."""
        self.nodes = {i: n for i, n in self.nodes.items() if keep(i)}
        self.edges = [e for e in self.edges if e.source in self.nodes and e.target in self.nodes]
        self.out.clear()
        self.into.clear()
        self.index()

    def target(self, kind: EdgeKind, source: str) -> str | None:
        edge = self.last(kind, source)
        return edge.target if edge is not None else None

    def last(self, kind: EdgeKind, source: str) -> Edge | None:
        """A node's edge of a kind in force last (dated structure keeps the ones before as history)."""
        found = self.out[kind].get(source)
        if not found:
            return None
        latest = in_force_last((e.target, e.valid_from, e.valid_to) for e in found)
        return next(e for e in found if e.target == latest)

    def coverer(self, node_id: str) -> Organisation | None:
        found = self.into[EdgeKind.COVERS].get(node_id)
        org = self.nodes.get(found[0].source) if found else None
        return org if isinstance(org, Organisation) else None

    def covered(self, org_id: str) -> str | None:
        return self.target(EdgeKind.COVERS, org_id)

    def of_kind(self, kind: type[Any]) -> Iterator[Any]:
        return (n for n in self.nodes.values() if isinstance(n, kind))


_FAR_ENDS = (EdgeKind.SIGNED_BY, EdgeKind.ON_BEHALF_OF, EdgeKind.HELD_BY)
"""The edges an agreement or seat names its other parties by: the file keeps those ends, so every row names what it refers to."""


def _scope_ids(store: GraphStore, scope: str, *, ancestors: bool = True) -> tuple[set[str], str | None]:
    """What belongs to the scope (graph.access), its ancestors (so the file stands on its own) and the far ends of its
    relations, with their organisations; and the scope's parent territory (its row names it, kept or not)."""
    found = belonging_kinds(store, scope)
    keep = set(found)
    parent = _parent(store, scope)
    up, seen = parent, {scope}
    while ancestors and up is not None and up not in seen:  # a loop of WITHIN edges ends the walk up
        seen.add(up)
        keep.add(up)
        up = _parent(store, up)
    far = {
        e.target
        for node_id, kind in found.items()
        if kind in (NodeKind.AGREEMENT, NodeKind.SEAT, NodeKind.POST)
        for e in store.edges_of(node_id)
        if e.kind in _FAR_ENDS
    }
    keep |= far
    # The organisations of the kept territories and units (a far end's too), found from what they cover.
    covered = [i for i in keep if i in far or i in seen or found.get(i) in ENDPOINTS[EdgeKind.COVERS][1]]
    keep.update(e.source for i in covered for e in store.edges_of(i, kind=EdgeKind.COVERS, direction=Direction.IN))
    keep |= _own_lines(store, [e.source for i in covered if found.get(i) is NodeKind.UNIT for e in _coverers(store, i)])
    return keep, parent


def _coverers(store: GraphStore, node_id: str) -> list[Edge]:
    return store.edges_of(node_id, kind=EdgeKind.COVERS, direction=Direction.IN)


def _own_lines(store: GraphStore, unit_orgs: list[str]) -> set[str]:
    """The system organisations (系统党组织) the units' organisations report up, to the top of each line: far ends
    the units' rows name (superior_org_id), with the district's organisation their line ends at."""
    found: set[str] = set()
    frontier = unit_orgs
    while frontier:
        reached = []
        for org_id in frontier:
            for e in store.edges_of(org_id, kind=EdgeKind.REPORTS_TO):
                up = store.node(e.target)
                if e.target not in found and isinstance(up, Organisation) and up.level in (Level.SYSTEM, Level.DISTRICT):
                    found.add(e.target)
                    if up.level is Level.SYSTEM:
                        reached.append(e.target)
        frontier = reached
    return found


def _parent(store: GraphStore, territory: str) -> str | None:
    up = latest(store.edges_of(territory, kind=EdgeKind.WITHIN))
    return up.target if up is not None else None


# -- the import format ------------------------------------------------------------------------


def _roll_row(view: _View, m: Member) -> list[Any]:
    """A party member's row of the members table: where the membership is held, the report, where the roles are held."""
    held = view.out[EdgeKind.MEMBER_OF].get(m.id) or []
    report = view.out[EdgeKind.REPORTED_TO].get(m.id) or []
    serves = view.target(EdgeKind.SERVES, m.id)
    roles = _LIST_JOIN.join(r.value for r in m.roles) or None
    return [
        m.id,
        m.name,
        m.category.value if m.category is not None else None,
        held[0].target if held else None,
        report[0].target if report else None,
        report[0].valid_from if report else None,
        serves,
        roles if serves is not None else None,
        m.households,
        m.phone,
        held[0].valid_from if held else None,
        held[0].valid_to if held else None,
    ]


def table_rows(view: _View, summary: ExportSummary) -> dict[str, list[list[Any]]]:
    """Each table as its header and rows, in the import format; property columns after the known ones."""
    tables: dict[str, list[tuple[list[Any], dict[str, Any]]]] = {name: [] for name in TABLES}
    rank = {level: i for i, level in enumerate(Level)}
    for t in sorted(view.of_kind(Territory), key=lambda t: (rank[t.level], t.id)):
        org = view.coverer(t.id)
        place = view.last(EdgeKind.WITHIN, t.id)
        cells = [t.id, t.level.value, t.name, place.target if place is not None else view.above.get(t.id)]
        if org:
            cells += [org.id, org.name, org.form.value, org.members, t.households, t.staff, "yes" if org.upgraded else "no"]
        else:
            cells += [None, None, None, None, t.households, t.staff, None]
        cells += [t.population, place.valid_from if place is not None else None, place.valid_to if place is not None else None]
        runners = sorted(e.source for e in view.into[EdgeKind.MANAGES].get(t.id, [])) if t.abandoned else []
        cells += ["yes" if t.abandoned else None, runners[0] if runners else None, _LIST_JOIN.join(t.needs) or None]
        tables["structure"].append((cells, t.properties))
    for m in sorted(view.of_kind(Member), key=lambda m: m.id):
        grid = view.target(EdgeKind.SERVES, m.id)
        head = MemberRole.HOUSEHOLD_HEAD in m.roles and grid is not None
        if m.party_member:  # the roll (党员名册) lists every party member; a household head's row beside it is the same person
            tables["members"].append((_roll_row(view, m), m.properties))
        if head:
            extra = _LIST_JOIN.join(r.value for r in m.roles if r is not MemberRole.HOUSEHOLD_HEAD) or None
            category = m.category.value if m.category is not None else None
            cells = [m.id, m.name, grid, category, m.households, m.phone, extra, "yes" if m.party_member else "no"]
            tables["household_heads"].append((cells, m.properties))
        elif not m.party_member:
            summary.left_out["person (neither a party member nor a household head serving a grid)"] += 1
    for u in sorted(view.of_kind(Unit), key=lambda u: u.id):
        org = view.coverer(u.id)
        community = view.target(EdgeKind.LOCATED_IN, u.id)
        if community is None:
            summary.left_out["unit (not located in a community)"] += 1
            continue
        cells = [u.id, u.name, u.unit_type.value, community]
        cells += [org.id, org.name, org.members, org.form.value] if org else [None, None, None, None]
        located = view.out[EdgeKind.LOCATED_IN][u.id][0]
        areas = sorted(e.target for e in view.out[EdgeKind.MANAGES].get(u.id, []))
        eligible = None if u.eligible is None else ("yes" if u.eligible else "no")
        superior = view.target(EdgeKind.REPORTS_TO, org.id) if org else None
        cells += [superior, _LIST_JOIN.join(areas) or None, eligible, u.members, located.valid_from, located.valid_to]
        cells += [_LIST_JOIN.join(u.resources) or None]
        tables["units"].append((cells, u.properties))
    for o in sorted((o for o in view.of_kind(Organisation) if o.level is Level.SYSTEM), key=lambda o: o.id):
        kind = o.system_kind.value if o.system_kind else None
        tables["system_orgs"].append(([o.id, o.name, kind, view.target(EdgeKind.REPORTS_TO, o.id), o.members], o.properties))
    for c in sorted(view.of_kind(ServiceCentre), key=lambda c: c.id):
        served = view.out[EdgeKind.CENTRE_FOR].get(c.id)
        if not served:
            summary.left_out["service centre (serving no territory)"] += 1
            continue
        yes_no = ["yes" if getattr(c, f) else "no" for f in SIX_HAVES]
        cells = [c.id, c.name, c.centre_level.value, served[0].target, c.floor_area, c.service_share, *yes_no]
        tables["service_centres"].append(([*cells, served[0].valid_from, served[0].valid_to], c.properties))
    for a in sorted(view.of_kind(Agreement), key=lambda a: a.id):
        community, unit = _parties(view, a.id)
        if community is None or unit is None:
            summary.left_out["agreement (without a community and a unit)"] += 1
            continue
        cells = [
            a.id,
            community,
            unit,
            a.signed_on,
            a.expires_on,
            *(_LIST_JOIN.join(x) or None for x in (a.needs, a.resources, a.projects)),
        ]
        tables["agreements"].append((cells, a.properties))
    for alliance in sorted(view.of_kind(Alliance), key=lambda a: a.id):
        members = sorted(view.into[EdgeKind.IN_ALLIANCE].get(alliance.id, []), key=lambda e: e.source)
        for k, e in enumerate(members or [None]):
            member = _alliance_member(view, e.source) if e else None
            lead = ("yes" if getattr(e, "lead", False) else "no") if e else None
            props = alliance.properties if k == 0 else {}
            tables["alliances"].append(([alliance.id, alliance.name, alliance.alliance_kind.value, member, lead], props))
    for s in sorted(view.of_kind(Seat), key=lambda s: s.id):
        committee = view.target(EdgeKind.SEAT_ON, s.id)
        unit = view.target(EdgeKind.ON_BEHALF_OF, s.id)
        if committee is None or unit is None:
            summary.left_out["seat (without a committee and a unit)"] += 1
            continue
        territory = view.covered(committee)
        cells = [territory or committee, s.person, unit, s.role, s.valid_from, s.valid_to, s.id, view.target(EdgeKind.HELD_BY, s.id)]
        tables["big_committee"].append((cells, s.properties))
    for p in sorted(view.of_kind(Post), key=lambda p: p.id):
        body = view.target(EdgeKind.POST_IN, p.id)
        if body is None:
            summary.left_out["post (in no body)"] += 1
            continue
        cells = [body, p.post.value, view.target(EdgeKind.HELD_BY, p.id), p.person, p.valid_from, p.valid_to]
        tables["posts"].append((cells, p.properties))
    for team in sorted(view.of_kind(Team), key=lambda t: t.id):
        territory = view.target(EdgeKind.TEAM_SERVES, team.id)
        if territory is None:
            summary.left_out["team (serving no territory)"] += 1
            continue
        team_members = _LIST_JOIN.join(sorted(e.source for e in view.into[EdgeKind.IN_TEAM].get(team.id, []))) or None
        cells = [team.id, team.name, team.team_kind.value, territory, team_members, team.valid_from, team.valid_to]
        tables["teams"].append((cells, team.properties))
    out: dict[str, list[list[Any]]] = {}
    for name, rows in tables.items():
        keys = sorted({k for _, props in rows for k in props})
        header: list[Any] = [c.name for c in TABLES[name].columns] + keys
        out[name] = [header] + [cells + [props.get(k) for k in keys] for cells, props in rows]
        summary.rows[name] = len(rows)
    return out


def _parties(view: _View, agreement_id: str) -> tuple[str | None, str | None]:
    """The community and the unit of an agreement, from the organisations (or unit) that signed it."""
    community = unit = None
    for e in view.out[EdgeKind.SIGNED_BY].get(agreement_id, []):
        party = view.nodes.get(e.target)
        if isinstance(party, Unit):
            unit = party.id
        elif isinstance(party, Organisation) and party.level is Level.UNIT:
            unit = view.covered(party.id)
        elif isinstance(party, Organisation):
            community = view.covered(party.id)
    return community, unit


def _alliance_member(view: _View, member_id: str) -> str:
    """An organisation that covers a street or community is written as that territory, as staff know it."""
    node = view.nodes.get(member_id)
    if isinstance(node, Organisation) and node.level is not Level.UNIT:
        return view.covered(member_id) or member_id
    return member_id


def _chinese_header(name: str, header: list[Any]) -> list[Any]:
    chinese = {c.name: c.chinese for c in TABLES[name].columns}
    return [chinese.get(h, h) for h in header]


def _xlsx(tables: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    def cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
        """A value as its cell; text is always a string cell, never a formula, whatever it starts with."""
        if not isinstance(value, str):
            return value
        # The import drops a quote before = + - @ (Excel's mark for text): one more keeps text that had one.
        written = WriteOnlyCell(sheet, value=value if unquoted(value) == value else "'" + value)
        written.data_type = "s"
        return written

    book = Workbook(write_only=True)
    for name, rows in tables.items():
        if len(rows) == 1:
            continue
        sheet = book.create_sheet(name)
        sheet.append([cell(sheet, v) for v in rows[0]])
        sheet.append([cell(sheet, v) for v in _chinese_header(name, rows[0])])  # the template's second header row; the import skips it
        for row in rows[1:]:
            sheet.append([cell(sheet, v) for v in row])
    if not book.worksheets:
        book.create_sheet("structure").append(tables["structure"][0])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_bytes(rows: list[list[Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            ["" if v is None else v.isoformat() if isinstance(v, date) else quoted(v) if isinstance(v, str) else v for v in row]
        )
    return text.getvalue().encode("utf-8-sig")  # with a BOM, so that Excel opens it as UTF-8


def _zip(tables: dict[str, list[list[Any]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            if len(rows) > 1:
                archive.writestr(f"{name}.csv", _csv_bytes(rows))
    return buffer.getvalue()


def _csv_folder(path: Path, tables: dict[str, list[list[Any]]]) -> None:
    """Write the CSV files into a new folder, then swap it in for the old one."""
    fresh = path.with_name(path.name + ".tmp")
    old = path.with_name(path.name + ".old")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    try:
        for name, rows in tables.items():
            if len(rows) > 1:
                atomic_write(fresh / f"{name}.csv", _csv_bytes(rows))
        if path.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
        os.replace(fresh, path)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


# -- for other tools ---------------------------------------------------------------------------


def _scalar(value: Any) -> Any:
    """An attribute value every GraphML and GEXF reader accepts: no None, lists or dicts."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return _LIST_JOIN.join(str(_scalar(v)) for v in value)
    return value


def _networkx(view: _View) -> nx.DiGraph:
    graph = nx.DiGraph()
    for n in view.nodes.values():
        attrs: dict[str, Any] = {"label": getattr(n, "name", None) or n.id, "kind": n.kind.value}
        for key, value in n.model_dump(exclude={"id", "kind", "provenance", "properties", "name"}).items():
            if value is not None and value != ():
                attrs[key] = _scalar(value)
        attrs["source"] = n.provenance.source
        for key, value in n.properties.items():
            attrs[f"property_{key}"] = str(value)  # one type per key: GEXF declares each attribute's type once
        graph.add_node(n.id, **attrs)
    for e in view.edges:
        attrs = {"kind": e.kind.value}
        for key in ("valid_from", "valid_to", "lead"):
            value = getattr(e, key, None)
            if value is not None:
                attrs[key] = _scalar(value)
        graph.add_edge(e.source, e.target, **attrs)
    return graph


def _popolo(view: _View) -> dict[str, Any]:
    def dated(record: dict[str, Any], start: date | None, end: date | None) -> dict[str, Any]:
        if start:
            record["start_date"] = start.isoformat()
        if end:
            record["end_date"] = end.isoformat()
        return record

    areas = [
        {"id": t.id, "name": t.name, "classification": t.level.value, "parent_id": view.target(EdgeKind.WITHIN, t.id)}
        for t in view.of_kind(Territory)
    ]
    organizations: list[dict[str, Any]] = []
    for o in view.of_kind(Organisation):
        organizations.append(
            {
                "id": o.id,
                "name": o.name,
                "classification": f"party_organisation:{o.form.value}",
                "parent_id": view.target(EdgeKind.REPORTS_TO, o.id),
                "area_id": view.covered(o.id) if o.level not in (Level.UNIT, Level.SYSTEM) else None,
                "party_members": o.members,
            }
        )
    organizations += [{"id": u.id, "name": u.name, "classification": f"unit:{u.unit_type.value}"} for u in view.of_kind(Unit)]
    organizations += [{"id": a.id, "name": a.name, "classification": a.alliance_kind.value} for a in view.of_kind(Alliance)]
    organizations += [
        {
            "id": c.id,
            "name": c.name,
            "classification": f"service_centre:{c.centre_level.value}",
            "area_id": view.target(EdgeKind.CENTRE_FOR, c.id),
        }
        for c in view.of_kind(ServiceCentre)
    ]
    persons = [
        {"id": m.id, "name": m.name, **({"contact_details": [{"type": "cell", "value": m.phone}]} if m.phone else {})}
        for m in view.of_kind(Member)
    ]
    memberships: list[dict[str, Any]] = []
    record: dict[str, Any]
    for e in view.edges:
        if e.kind is EdgeKind.MEMBER_OF:
            member = view.nodes[e.source]
            roles = [r.value for r in member.roles] if isinstance(member, Member) else []
            record = {
                "id": f"{e.source}@{e.target}",
                "person_id": e.source,
                "organization_id": e.target,
                "role": ";".join(roles) or "member",
            }
            grid = view.target(EdgeKind.SERVES, e.source)
            memberships.append(dated({**record, "area_id": grid} if grid else record, e.valid_from, e.valid_to))
        elif e.kind is EdgeKind.REPORTED_TO:  # 双报到: where the member reported, not a membership of it
            place = "area_id" if isinstance(view.nodes.get(e.target), Territory) else "organization_id"
            record = {"id": f"{e.source}@{e.target}", "person_id": e.source, place: e.target, "role": "reported_to 双报到"}
            memberships.append(dated(record, e.valid_from, e.valid_to))
        elif e.kind is EdgeKind.IN_ALLIANCE:
            record = {"id": f"{e.source}@{e.target}", "member_id": e.source, "organization_id": e.target}
            role = "lead" if getattr(e, "lead", False) else "member"
            memberships.append(dated({**record, "role": role}, e.valid_from, e.valid_to))
    for s in view.of_kind(Seat):
        holder = view.target(EdgeKind.HELD_BY, s.id)
        if holder is None:
            holder = f"person-{s.id}"
            persons.append({"id": holder, "name": s.person or ""})
        record = {
            "id": s.id,
            "person_id": holder,
            "organization_id": view.target(EdgeKind.SEAT_ON, s.id),
            "on_behalf_of_id": view.target(EdgeKind.ON_BEHALF_OF, s.id),
            "role": s.role or "concurrent member",
        }
        memberships.append(dated(record, s.valid_from, s.valid_to))
    posts: list[dict[str, Any]] = []
    for p in sorted(view.of_kind(Post), key=lambda p: p.id):
        body = view.target(EdgeKind.POST_IN, p.id)
        posts.append(dated({"id": p.id, "label": label(p.post), "role": p.post.value, "organization_id": body}, p.valid_from, p.valid_to))
        holder = view.target(EdgeKind.HELD_BY, p.id)
        if holder is None:
            holder = f"person-{p.id}"
            persons.append({"id": holder, "name": p.person or ""})
        record = {"id": f"{holder}@{p.id}", "person_id": holder, "organization_id": body, "post_id": p.id, "role": p.post.value}
        memberships.append(dated(record, p.valid_from, p.valid_to))
    for team in view.of_kind(Team):
        classification = f"team:{team.team_kind.value}"
        organizations.append(
            dated(
                {"id": team.id, "name": team.name, "classification": classification, "area_id": view.target(EdgeKind.TEAM_SERVES, team.id)},
                team.valid_from,
                team.valid_to,
            )
        )
        for e in view.into[EdgeKind.IN_TEAM].get(team.id, []):
            record = {"id": f"{e.source}@{team.id}", "person_id": e.source, "organization_id": team.id, "role": "member"}
            memberships.append(dated(record, e.valid_from, e.valid_to))
    agreements = [
        dated(
            {"id": a.id, "parties": [e.target for e in view.out[EdgeKind.SIGNED_BY].get(a.id, [])], "needs": list(a.needs)}
            | {"resources": list(a.resources), "projects": list(a.projects)},
            a.signed_on,
            a.expires_on,
        )
        for a in view.of_kind(Agreement)
    ]
    return {
        "areas": areas,
        "organizations": organizations,
        "persons": persons,
        "memberships": memberships,
        "posts": posts,
        "agreements": agreements,
    }
