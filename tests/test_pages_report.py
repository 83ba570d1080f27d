"""Pages to work from: the gap-list page, the honest staff card, and the report a district hands upward (xlsx and html).

Everything runs over the known district (tests/utils/known_network.py), whose staff, coverage
and gaps are known by construction; the figures in the workbook are compared with the same
context's coverage and gap queries, so a sheet that drifted from them fails here.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from cli.main import main, terminal_user
from graph.gaps import gap_rules
from graph.memory import MemoryStore
from graph.settings import Settings
from service.context import Context
from tests.utils.known_network import AS_OF, GAPS, STAFF, known_store
from visualizations.dashboard import FIGURES
from visualizations.report import SHEETS

STREETS = {"s1": ["c1", "c2"], "s2": ["c3", "c4"]}
"""The known district's communities by street."""
PER = 300  # the norm's default: one full-time worker per 300 households


def _required(community: str) -> int:
    return math.ceil(STAFF[community][1] / PER)


def _short(community: str) -> int:
    return max(0, _required(community) - STAFF[community][0])


def _expected(scope: str) -> tuple[int, int, int]:
    """(staff on record, required community by community, lacking) of a scope, from the known figures."""
    communities = [c for cs in STREETS.values() for c in cs] if scope == "d" else STREETS.get(scope, [scope])
    return STAFF[scope][0], sum(_required(c) for c in communities), sum(_short(c) for c in communities)


@pytest.fixture
def store() -> MemoryStore:
    return known_store()


@pytest.fixture
def client(store: MemoryStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(auth=False), store_factory=lambda _: store)) as c:
        yield c


@pytest.fixture
def ctx(store: MemoryStore) -> Context:
    return Context(store, terminal_user()).on(AS_OF)


# -- the staff card ------------------------------------------------------------------------------------


def _staff_rows(page: str) -> dict[str, tuple[int, int, int]]:
    """The staff card's rows: scope id -> (staff, required, lacking) as the page shows them."""
    card = next(c for c in re.findall(r'<section class="chart">(.*?)</section>', page, re.S) if "专职社区工作者" in c)
    rows = re.findall(
        r'<a href="/map\?scope=(\w+)">[^<]*</a></span><svg.*?data-staff="(\d+)" data-required="(\d+)" data-lacking="(\d+)"', card
    )
    return {scope: (int(a), int(r), int(short)) for scope, a, r, short in rows}


def test_the_staff_card_shows_actual_and_required_community_by_community(client: TestClient) -> None:
    for scope, children in [("d", ["s1", "s2"]), ("s1", ["c1", "c2"]), ("s2", ["c3", "c4"])]:
        page = client.get("/dashboard", params={"scope": scope, "as_of": str(AS_OF)}).text
        assert _staff_rows(page) == {s: _expected(s) for s in [scope, *children]}, scope
    district = client.get("/dashboard", params={"scope": "d", "as_of": str(AS_OF)}).text
    # 8 staff where the district's households need 2 in all would have read 100%: c2 lacks 2 of the 5 its communities need.
    assert "实有 8 / 应配 5" in district and '<b class="short">缺 2</b>' in district
    shortfall = re.search(r'<table class="shortfall">(.*?)</table>', district, re.S)
    assert shortfall is not None
    assert re.findall(r'data-community="(\w+)"', shortfall.group(1)) == ["c2"]
    assert '<td>310</td><td>0</td><td>2</td><td class="short">2</td>' in shortfall.group(1)
    west = client.get("/dashboard", params={"scope": "s2", "as_of": str(AS_OF)}).text
    assert 'class="shortfall"' not in west and "均达到配备标准" in west


# -- the gap-list page ---------------------------------------------------------------------------------


def test_the_gap_page_pages_through_every_gap_with_its_path_reason_and_links(client: TestClient) -> None:
    total = sum(len(ids) for ids in GAPS.values())
    seen: list[str] = []
    url: str = "/gaps"
    params: dict[str, str] | None = {"scope": "d", "as_of": str(AS_OF), "limit": "10"}  # 27 gaps: three pages
    for _ in range(10):
        page = client.get(url, params=params)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        text = page.text
        seen += re.findall(r'<tr data-rule="\w+" data-node="([\w-]+)">', text)
        assert f"共 {total:,} 条" in text
        following = re.search(r'<a class="next" href="([^"]+)"', text)
        if following is None:
            break
        url, params = following.group(1).replace("&amp;", "&"), None  # the link as the page gives it, whole
    assert sorted(seen) == sorted(n for ids in GAPS.values() for n in ids)
    first = client.get("/gaps", params={"scope": "d", "as_of": str(AS_OF), "rule": "grid_without_group"}).text
    assert "东湖街道 › 幸福社区 › 锦绣园 › 锦绣园第1网格" in first and "未建网格党小组" in first
    assert f'href="/map?scope=g121&amp;as_of={AS_OF}"' in first and 'href="/nodes/g121/chain"' in first
    assert '<option value="grid_without_group" data-count="2" selected>网格未建党小组 (2)</option>' in first
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", first)


def test_the_gap_page_is_held_to_the_scope_and_refuses_what_it_does_not_know(client: TestClient) -> None:
    west = client.get("/gaps", params={"scope": "s2", "as_of": str(AS_OF)}).text
    nodes = set(re.findall(r'data-node="([\w-]+)"', west))
    assert nodes == {"a31", "a41", "g411", "g2x", "c3", "c4", "o-a31", "o-c3", "h3112", "u8", "u12"}
    assert client.get("/gaps", params={"scope": "nowhere"}).status_code == 404
    assert client.get("/gaps", params={"scope": "d", "rule": "no_such_rule"}).status_code == 422
    assert client.get("/gaps", params={"scope": "d", "rule": ""}).status_code == 200  # the filter's 全部规则


# -- the report ------------------------------------------------------------------------------------------


def _sheet(book: object, name: str) -> list[tuple[object, ...]]:
    return list(book[name].iter_rows(values_only=True))  # type: ignore[index]


def test_the_workbook_holds_the_coverage_and_gap_queries_answers(ctx: Context) -> None:
    book = load_workbook(io.BytesIO(ctx.report("d", fmt="xlsx")))
    assert tuple(book.sheetnames) == SHEETS
    cov = ctx.coverage("d")
    rows = _sheet(book, "覆盖情况")
    header, body = rows[1], rows[2:]
    assert header[:2] == ("单位", "层级") and header[-3:] == ("专职人员\n实有", "专职人员\n应配", "专职人员\n缺额")
    assert [r[0] for r in body] == ["抚东区 (合计)", "东湖街道", "西湖街道"]
    for row, figures in zip(body, [cov.figures, *(c.figures for c in cov.breakdown)], strict=True):
        for i, (key, _) in enumerate(FIGURES):
            figure = getattr(figures, key)
            numerator, denominator, rate = row[2 + 3 * i : 5 + 3 * i]
            assert (numerator, denominator) == (figure.numerator, figure.denominator), key
            assert rate == (None if figure.rate is None else pytest.approx(figure.rate, rel=1e-12)), key
    assert [r[-3:] for r in body] == [_expected(s) for s in ("d", "s1", "s2")]

    counts = ctx.gap_count("d", rules=None)
    titles = {r.name: r.title for r in gap_rules()}
    by_title = {r[1]: r[2] for r in _sheet(book, "短板统计")[2:]}
    assert by_title.pop("合计") == counts.total == sum(len(ids) for ids in GAPS.values())
    assert by_title == {titles[rule]: n for rule, n in counts.by_rule.items()}

    listed = _sheet(book, "短板清单")
    assert listed[1] == ("序号", "短板 (规则)", "位置 (链条路径)", "原因", "编号")
    gaps = ctx.gaps("d", rules=None, limit=1000, offset=0).items
    assert [(r[1], r[2], r[3], r[4]) for r in listed[2:]] == [(titles[g.rule], g.path_text, g.reason, g.node.id) for g in gaps]

    members = _sheet(book, "党员")
    in_units = sum(cov.figures.unit_members_by_category.values())
    assert members[1][-2:] == ("其中驻区单位党组织", "合计") and members[2][-2] == in_units > 0  # units' members, apart
    assert members[2][0] == "抚东区 (合计)" and members[2][-1] == sum(cov.figures.members_by_category.values()) + in_units
    assert members[2][-1] == cov.figures.members_on_roll  # the whole roll, as the dashboard and coverage count it
    agreements = _sheet(book, "共建协议")
    assert agreements[1][:3] == ("序号", "协议编号", "社区")
    assert {r[1]: r[7] for r in agreements[2:]} == {"ag0": "已到期", "ag1": "在效", "ag2": "即将到期", "ag3": "已到期", "ag4": "在效"}


def test_every_sheet_is_set_up_to_print_with_its_header_frozen(ctx: Context) -> None:
    book = load_workbook(io.BytesIO(ctx.report("s1", fmt="xlsx")))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A3", sheet.title
        assert sheet.print_title_rows == "$2:$2", sheet.title
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert all(sheet.column_dimensions[c.column_letter].width >= 6 for c in sheet[2]), sheet.title
        assert "东湖街道" in str(sheet["A1"].value)


def test_the_report_route_answers_a_workbook_or_a_printable_page(client: TestClient) -> None:
    workbook = client.get("/report", params={"scope": "s1", "as_of": str(AS_OF), "format": "xlsx"})
    assert workbook.status_code == 200 and workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert workbook.headers["content-disposition"].startswith("attachment;")
    assert load_workbook(io.BytesIO(workbook.content))["覆盖情况"]["A3"].value == "东湖街道 (合计)"
    page = client.get("/report", params={"scope": "s1", "as_of": str(AS_OF), "format": "html"})
    assert page.status_code == 200 and "@media print" in page.text and "href=" not in page.text
    assert client.get("/report", params={"scope": "s1", "format": "pdf"}).status_code == 422
    assert client.get("/report", params={"scope": "nowhere"}).status_code == 404


def _grassroots(*args: str, data: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args), settings=Settings(data_dir=data, auth=True, keys_file=None))
    return code, out.getvalue(), err.getvalue()


def test_the_report_command_writes_the_workbook(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _grassroots("generate", "--households", "1500", "--seed", "3", data=data)[0] == 0
    target = tmp_path / "报表.xlsx"
    code, out, _ = _grassroots("report", "d", "-o", str(target), data=data)
    assert code == 0 and "（xlsx）" in out
    book = load_workbook(target)
    assert tuple(book.sheetnames) == SHEETS and book["短板统计"]["B2"].value == "短板 (规则)"
    html = tmp_path / "report.html"
    assert _grassroots("report", "d", "-o", str(html), data=data)[0] == 0
    assert "覆盖率看板" in html.read_text(encoding="utf-8")
    forced = tmp_path / "forced.out"
    assert _grassroots("report", "d", "-o", str(forced), "--format", "xlsx", data=data)[0] == 0
    assert forced.read_bytes()[:2] == b"PK"
    code, _, err = _grassroots("report", "nowhere", "-o", str(target), "--format", "xlsx", data=data)
    assert code == 1 and "nowhere" in err
