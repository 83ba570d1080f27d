"""A scoped key's search and export read only what its scope holds, and answer what reading the whole graph answered."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from openpyxl import load_workbook

from graph.access import belonging_in
from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import (
    Agreement,
    Alliance,
    AllianceKind,
    Batch,
    InAlliance,
    Member,
    MemberCategory,
    MemberRole,
    NodeKind,
    OnBehalfOf,
    Seat,
    SeatOn,
    Serves,
    SignedBy,
)
from graph.navigation import search
from loaders.exporter import FORMATS, _View, export
from service.context import Context
from service.policy import Policy
from service.principal import AccessRole, Principal
from tests.utils.filter_after import exports_filter_after, search_filter_after
from tests.utils.network import PROV, town

SCOPES = ["s02", "s01c01", "s02c01", "s01c02a01", "s01c01a01g1"]
EXPORTED = {None: "s02c01", "s01": "s01c01", "s02": "s02"}
"""For each key's scope, a scope exported in every format: each has relations across the street's edge."""


@pytest.fixture(scope="module")
def district() -> MemoryStore:
    """Two streets with relations across them: an agreement, a seat and an alliance each tie s01 to s02."""
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=60_000, seed=3)):
        store.write(batch)
    unit = min(belonging_in(store, "s02c01", kinds=[NodeKind.UNIT]))
    store.write(
        Batch(
            nodes=[
                Alliance(id="al-x", name="跨街道联盟", alliance_kind=AllianceKind.ALLIANCE, provenance=PROV),
                Agreement(id="ag-x", signed_on=date(2025, 1, 1), needs=("助老",), provenance=PROV),
                Seat(id="seat-x", person="跨街道委员", role="兼职委员", provenance=PROV),
            ],
            edges=[
                InAlliance(source="o-s01c01", target="al-x", provenance=PROV),
                InAlliance(source="o-s02c01", target="al-x", provenance=PROV),
                SignedBy(source="ag-x", target="o-s01c01", provenance=PROV),
                SignedBy(source="ag-x", target=unit, provenance=PROV),
                SeatOn(source="seat-x", target="o-s01c01", provenance=PROV),
                OnBehalfOf(source="seat-x", target=unit, provenance=PROV),
            ],
        )
    )
    return store


def _viewer(scope: str | None) -> Principal:
    return Principal(key_id=f"k-{scope}", role=AccessRole.VIEWER, scope=scope)


SEARCHES = [("党", None), ("社区", [NodeKind.TERRITORY, NodeKind.ORGANISATION]), ("张", [NodeKind.MEMBER]), ("跨街道", None)]


@pytest.mark.parametrize("scope", ["s01", "s02c01", "s01c01a01"])
@pytest.mark.parametrize(("text", "kinds"), SEARCHES)
def test_a_scoped_search_finds_what_filtering_every_hit_found(
    district: MemoryStore, scope: str, text: str, kinds: list[NodeKind] | None
) -> None:
    ctx = Context(district, _viewer(scope))
    for limit, offset in ((20, 0), (7, 3), (1000, 0)):
        new = ctx.search(text, kinds=kinds, limit=limit, offset=offset)
        old = search_filter_after(district, scope, text, kinds=kinds, limit=limit, offset=offset)
        assert new == old, (text, limit, offset)
    if text == "党":  # every scope has party organisations: the comparison is not of two empty pages
        assert ctx.search(text, kinds=kinds, limit=1000, offset=0).total > 0


def test_a_scoped_search_reads_no_node_outside_the_scope(district: MemoryStore, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = belonging_in(district, "s02c01")
    read: list[str] = []
    real = district.node

    def counted(node_id: str) -> Any:
        read.append(node_id)
        return real(node_id)

    monkeypatch.setattr(district, "node", counted)
    monkeypatch.setattr(district, "nodes", None)  # a whole-graph read would fail
    found = Context(district, _viewer("s02c01")).search("党", kinds=None, limit=5, offset=0)
    assert found.total > 5
    assert {i.node.id for i in found.items} <= mine
    above = {"d", "s02", "o-d", "o-s02"}  # the chain path of a hit names what lies above the scope
    assert {r for r in read if r not in mine} <= above


HEAD = MemberRole.HOUSEHOLD_HEAD


def test_a_scope_with_more_matches_than_the_old_cap_loses_none(store: Any) -> None:
    """10,050 household heads in one grid named alike: the old search kept the first 10,000 hits and lost the rest."""
    store.write(town())
    heads = [
        Member(id=f"hh{k:05d}", name=f"联户长{k:05d}", category=MemberCategory.IN_SERVICE, roles=(HEAD,), provenance=PROV)
        for k in range(10_050)
    ]
    store.write(Batch(nodes=heads, edges=[Serves(source=h.id, target="g1", provenance=PROV) for h in heads]))
    found = Context(store, _viewer("s1")).search("联户长", kinds=[NodeKind.MEMBER], limit=10, offset=10_045)
    assert found.total == 10_050
    assert [i.node.id for i in found.items] == [f"hh{k:05d}" for k in range(10_045, 10_050)]
    unscoped = search(store, "联户长", kinds=[NodeKind.MEMBER], limit=10, offset=10_045)
    assert found.items == unscoped.items


def _but_id(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if k != "id"}


def _rows(path: Path, fmt: str) -> Any:
    """What an export says, in a form two equal exports give equally (node and edge order aside)."""
    if fmt == "csv":
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    if fmt == "zip":
        with zipfile.ZipFile(path) as z:
            return {name: z.read(name) for name in sorted(z.namelist())}
    if fmt == "xlsx":
        book = load_workbook(path, read_only=True)
        return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    if fmt in ("graphml", "gexf"):
        graph = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(path)
        nodes = sorted(json.dumps([n, d], sort_keys=True, default=str) for n, d in graph.nodes(data=True))
        # GEXF numbers its edges as written: the number says where an edge stands, not what it is.
        edges = sorted(json.dumps([u, v, _but_id(d)], sort_keys=True, default=str) for u, v, d in graph.edges(data=True))
        return nodes, edges
    document = json.loads(path.read_text(encoding="utf-8"))
    return {k: sorted(json.dumps(v, sort_keys=True) for v in items) if isinstance(items, list) else items for k, items in document.items()}


@pytest.mark.parametrize("ancestors", [True, False])
def test_a_scopes_view_holds_what_cutting_it_from_the_whole_graph_held(district: MemoryStore, ancestors: bool) -> None:
    """The same nodes, the same edges (each node's in the same order), and the same parent named above the scope."""
    for scope in SCOPES:
        new = _View.of(district, scope, ancestors=ancestors)
        with exports_filter_after():
            old = _View.of(district, scope, ancestors=ancestors)
        assert new.nodes == old.nodes, scope
        assert sorted(map(repr, new.edges)) == sorted(map(repr, old.edges)), scope
        assert new.out == old.out and new.above == old.above, scope


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key_scope", EXPORTED)
def test_a_scoped_export_says_what_cutting_it_from_the_whole_graph_said(
    district: MemoryStore, tmp_path: Path, fmt: str, key_scope: str | None
) -> None:
    """Row for row in every format, for a key without a scope (ancestors kept, phones whole for an admin) and keys held to a street."""
    scope = EXPORTED[key_scope]
    role = AccessRole.ADMIN if key_scope is None else AccessRole.VIEWER
    principal = Principal(key_id="k", role=role, scope=key_scope)
    name = f"{scope}.{fmt}" if fmt != "csv" else scope
    (tmp_path / "new").mkdir()
    (tmp_path / "old").mkdir()
    new = Context(district, principal).export(tmp_path / "new" / name, scope_id=scope, fmt=fmt)
    with exports_filter_after():  # as Context.export called it before: the policy asked of every node
        policy = Policy(district, principal)
        keep = None if key_scope is None else (lambda node_id: policy.sees(node_id) or policy.heads_a_line(node_id))
        mask = None if principal.sees_personal_data and key_scope is None else policy.mask  # as Context.export masks
        old = export(district, tmp_path / "old" / name, scope=scope, fmt=fmt, ancestors=key_scope is None, mask=mask, keep=keep)
    assert new.rows == old.rows and new.left_out == old.left_out
    assert _rows(tmp_path / "new" / name, fmt) == _rows(tmp_path / "old" / name, fmt)


def test_a_scoped_export_reads_neither_every_node_nor_every_edge(
    district: MemoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(district, "nodes", None)
    monkeypatch.setattr(district, "edges", None)
    summary = Context(district, _viewer("s02")).export(tmp_path / "s02.json", scope_id="s02c01", fmt="json")
    assert summary.rows["organizations"] > 0 and summary.rows["persons"] > 0
