"""Exports: a round trip through the import format gives the same graph; GraphML, GEXF and Popolo read back."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from graph.errors import UnknownNode
from graph.generator import NetworkSpec, generate
from graph.memory import MemoryStore
from graph.model import NodeKind
from graph.store import GraphStore
from loaders.exporter import export
from loaders.importer import import_file
from loaders.workbooks import write_template


def _without_provenance(store: GraphStore) -> tuple[list[str], list[str]]:
    nodes = sorted(n.model_dump_json(exclude={"provenance"}) for n in store.nodes())
    edges = sorted(e.model_dump_json(exclude={"provenance"}) for e in store.edges())
    return nodes, edges


@pytest.fixture(scope="module")
def city() -> MemoryStore:
    store = MemoryStore()
    for batch in generate(NetworkSpec(households=4_000, seed=11)):
        store.write(batch)
    return store


@pytest.mark.parametrize("name", ["city.xlsx", "city.zip", "city-csv"])
def test_a_round_trip_gives_an_identical_graph(city: MemoryStore, store: GraphStore, tmp_path: Path, name: str) -> None:
    summary = export(city, tmp_path / name)
    assert not summary.left_out
    report = import_file(store, tmp_path / name)
    assert report.ok, [str(p) for p in report.problems[:5]]
    assert _without_provenance(store) == _without_provenance(city)
    assert sum(report.record.rows.values()) == sum(summary.rows.values())

    again = tmp_path / f"again-{name}"
    export(store, again)
    assert import_file(store, again).record.summary.changed is False


def test_a_scope_exports_with_its_ancestors_and_imports_on_its_own(city: MemoryStore, tmp_path: Path) -> None:
    summary = export(city, tmp_path / "street.xlsx", scope="s01")
    alone = MemoryStore()
    report = import_file(alone, tmp_path / "street.xlsx")
    assert report.ok, [str(p) for p in report.problems[:5]]
    assert alone.has_node("d") and alone.has_node("s01") and not alone.has_node("s02")
    street_grids = {t.id for t in city.nodes(NodeKind.TERRITORY) if t.id.startswith("s01c") and "g" in t.id[6:]}
    assert street_grids and street_grids <= {t.id for t in alone.nodes(NodeKind.TERRITORY)}
    assert summary.rows["household_heads"] == sum(1 for m in city.nodes(NodeKind.MEMBER) if m.id.startswith("h-s01c"))


def test_graphml_and_gexf_read_back_with_every_node(city: MemoryStore, tmp_path: Path) -> None:
    export(city, tmp_path / "city.graphml")
    export(city, tmp_path / "city.gexf")
    graphml = nx.read_graphml(tmp_path / "city.graphml")
    gexf = nx.read_gexf(tmp_path / "city.gexf")
    assert graphml.number_of_nodes() == gexf.number_of_nodes() == city.count()
    assert graphml.number_of_edges() == city.count_edges()
    assert graphml.nodes["s01c01"]["kind"] == "territory" and graphml.nodes["s01c01"]["level"] == "community"
    agreement = next(n for n, a in graphml.nodes(data=True) if a["kind"] == "agreement")
    assert "；" in graphml.nodes[agreement]["needs"]  # a list, joined: GraphML has no list type


def test_popolo_json_has_organizations_with_parents_and_memberships_on_behalf_of_units(city: MemoryStore, tmp_path: Path) -> None:
    export(city, tmp_path / "city.json")
    doc = json.loads((tmp_path / "city.json").read_text(encoding="utf-8"))
    orgs = {o["id"]: o for o in doc["organizations"]}
    assert orgs["o-s01c01"]["parent_id"] == "o-s01"
    assert {a["id"]: a["parent_id"] for a in doc["areas"]}["s01c01"] == "s01"
    seats = [m for m in doc["memberships"] if "on_behalf_of_id" in m]
    assert seats and all(m["on_behalf_of_id"] in orgs and m["start_date"] <= m["end_date"] for m in seats)
    persons = {p["id"] for p in doc["persons"]}
    assert all(m["person_id"] in persons for m in seats)


def test_a_failed_export_leaves_the_old_file_and_no_half_one(city: MemoryStore, tmp_path: Path) -> None:
    target = tmp_path / "city.xlsx"
    target.write_bytes(b"the export of yesterday")
    with pytest.raises(UnknownNode):
        export(city, target, scope="nowhere")
    assert target.read_bytes() == b"the export of yesterday"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["city.xlsx"]


def test_the_template_imports_as_nothing_and_documents_every_column(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    write_template(tmp_path / "template.xlsx")
    book = load_workbook(tmp_path / "template.xlsx")
    assert book.sheetnames[0] == "说明"
    structure = book["structure"]
    assert structure["A1"].value == "id" and structure["A2"].value == "编号"
    assert "required" in structure["A1"].comment.text
    store = MemoryStore()
    report = import_file(store, tmp_path / "template.xlsx")
    assert report.ok and store.count() == 0 and report.ignored == ["说明"]
