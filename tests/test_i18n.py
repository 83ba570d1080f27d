"""Chinese first, English on request: the catalogue is complete; the API, the importer and the command line follow the language asked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from api.app import create_app
from cli.main import main
from graph.errors import InvariantViolation
from graph.i18n import LOCALE_DIR, Lang, _, current, language_of, using
from graph.memory import MemoryStore
from graph.model import Batch, Level, Provenance, Territory, Within
from graph.settings import Settings
from loaders.importer import import_file
from tests.utils.known_network import AS_OF, known_store

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("graph", "service", "api", "cli", "loaders", "visualizations")
ENGLISH = LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def _marked() -> dict[str, str]:
    """Every msgid the code marks with _() or N_(), found as `make messages` finds them, with where it is."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / package), keywords={"_": None, "N_": None}, comment_tags=()
        ):
            if isinstance(message, str) and message:
                found.setdefault(message, f"{package}/{filename}:{lineno}")
    return found


def test_every_message_the_code_marks_has_its_english() -> None:
    with ENGLISH.open("rb") as f:
        catalogue = {m.id: m.string for m in read_po(f) if m.id}
    marked = _marked()
    assert len(marked) > 150  # the extraction found the code's messages, not nothing
    missing = [f"{where}: {msgid!r}" for msgid, where in marked.items() if not catalogue.get(msgid)]
    assert not missing, (
        "messages without English (run `make messages`, then fill in graph/locale/en/LC_MESSAGES/messages.po):\n" + "\n".join(missing)
    )
    unequal = [m for m in marked if set(PLACEHOLDER.findall(m)) != set(PLACEHOLDER.findall(str(catalogue[m])))]
    assert not unequal, f"the English names other placeholders than the Chinese: {unequal}"
    untranslated = [m for m in marked if HAN.search(str(catalogue[m])) and HAN.sub("", str(catalogue[m])) == HAN.sub("", m)]
    assert not untranslated, f"the English is the Chinese copied: {untranslated}"


def test_messages_are_chinese_unless_english_is_asked_for() -> None:
    assert current() is Lang.ZH
    assert _("第 %(row)s 行", row=12) == "第 12 行"
    with using(Lang.EN):
        assert _("第 %(row)s 行", row=12) == "row 12"
    assert _("第 %(row)s 行", row=12) == "第 12 行"


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, Lang.ZH),
        ("en", Lang.EN),
        ("en-US,en;q=0.9", Lang.EN),
        ("zh-CN,zh;q=0.9,en;q=0.8", Lang.ZH),
        ("fr-FR, en;q=0.5", Lang.EN),
        ("en;q=0.2, zh-Hans;q=0.8", Lang.ZH),
        ("fr", Lang.ZH),
        ("*", Lang.ZH),
        ("en;q=0", Lang.ZH),
    ],
)
def test_accept_language_picks_the_language_by_its_weights(header: str | None, lang: Lang) -> None:
    assert language_of(header) is lang


@pytest.fixture
def client() -> Iterator[TestClient]:
    store = known_store()
    with TestClient(create_app(Settings(), store_factory=lambda _settings: store)) as client:
        yield client


def test_the_same_gaps_in_either_language_differ_only_in_what_a_person_reads(client: TestClient) -> None:
    params = {"as_of": AS_OF.isoformat(), "limit": 200}
    chinese = client.get("/scopes/d/gaps", params=params)
    english = client.get("/scopes/d/gaps", params=params, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert chinese.status_code == english.status_code == 200
    assert chinese.headers["content-language"] == "zh-Hans" and english.headers["content-language"] == "en"
    assert "Accept-Language" in english.headers["vary"]
    zh_items, en_items = chinese.json()["items"], english.json()["items"]
    machine = [(g["rule"], g["node"]["id"], g["node"]["kind"], [p["id"] for p in g["path"]]) for g in zh_items]
    assert machine == [(g["rule"], g["node"]["id"], g["node"]["kind"], [p["id"] for p in g["path"]]) for g in en_items]
    assert len(machine) > 10
    for zh, en in zip(zh_items, en_items, strict=True):
        assert HAN.search(zh["reason"]), zh["reason"]
        assert zh["reason"] != en["reason"]
    grid = next(g for g in en_items if g["rule"] == "grid_without_group")
    assert grid["reason"].startswith("grid ") and "has no grid group" in grid["reason"]
    zh_grid = next(g for g in zh_items if g["node"]["id"] == grid["node"]["id"] and g["rule"] == "grid_without_group")
    assert zh_grid["reason"].endswith("未建网格党小组")


def test_the_rule_catalogue_in_either_language_has_the_same_names(client: TestClient) -> None:
    chinese = client.get("/gap-rules").json()["items"]
    english = client.get("/gap-rules", headers={"Accept-Language": "en"}).json()["items"]
    assert [r["name"] for r in chinese] == [r["name"] for r in english]
    assert [r["parameters"] for r in chinese] == [r["parameters"] for r in english]
    by_name = {r["name"]: (zh, r) for zh, r in zip(chinese, english, strict=True)}
    zh, en = by_name["grid_without_group"]
    assert (zh["title"], en["title"]) == ("网格未建党小组", "Grid without a group")
    assert HAN.search(zh["description"]) and not HAN.search(en["description"])


def test_an_error_keeps_its_code_and_says_its_message_in_the_language_asked_for(client: TestClient) -> None:
    chinese = client.get("/nodes/nobody")
    english = client.get("/nodes/nobody", headers={"Accept-Language": "en"})
    assert chinese.status_code == english.status_code == 404
    assert chinese.json()["error"]["code"] == english.json()["error"]["code"] == "not_found"
    assert chinese.json()["error"]["message"] == "没有 id 为 'nobody' 的节点；请核对 id（区分大小写）"
    assert english.json()["error"]["message"] == "no node has id 'nobody'; check the id (ids are case-sensitive)"
    wrong = client.get("/scopes/d/gaps", params={"limit": -1}, headers={"Accept-Language": "en"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "invalid"
    assert "greater than or equal to" in wrong.json()["error"]["message"]
    assert "应大于或等于" in client.get("/scopes/d/gaps", params={"limit": -1}).json()["error"]["message"]


def _bad_structure(path: Path, *, chinese: bool) -> Path:
    header = "编号,层级,名称,上级编号,户数" if chinese else "id,level,name,parent_id,households"
    path.write_text(f"{header}\nd,district,东湖区,,\ns,street,东湖街道,d,-220\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("chinese", "header"), [(True, "户数"), (False, "households")])
def test_an_import_problem_names_the_column_as_the_file_headed_it(tmp_path: Path, chinese: bool, header: str) -> None:
    report = import_file(known_store(), _bad_structure(tmp_path / "structure.csv", chinese=chinese))
    problem = next(p for p in report.problems if p.column == "households")
    assert problem.header == header and problem.row == 3
    assert str(problem) == f"structure 第 3 行 {header} = '-220'：应大于或等于 0"
    with using(Lang.EN):
        english = next(p for p in import_file(known_store(), tmp_path / "structure.csv").problems if p.column == "households")
        assert str(english) == f"structure row 3 {header} = '-220': should be greater than or equal to 0"


def test_the_command_line_speaks_english_with_lang_en(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(data_dir=tmp_path / "data", auth=False)
    path = _bad_structure(tmp_path / "structure.csv", chinese=True)
    assert main(["import", str(path), "--no-problems-file"], settings=settings) == 1
    chinese = capsys.readouterr().err
    assert "个问题；什么也没有写入" in chinese and "第 3 行 户数 = '-220'：应大于或等于 0" in chinese
    assert main(["--lang", "en", "import", str(path), "--no-problems-file"], settings=settings) == 1
    english = capsys.readouterr().err
    assert "problem(s); nothing was written" in english and "row 3 户数 = '-220': should be greater than or equal to 0" in english
    assert main(["imports", "--lang", "en"], settings=settings) == 0
    assert "problems" in capsys.readouterr().out
    assert main(["imports"], settings=Settings(data_dir=tmp_path / "data", auth=False, lang=Lang.EN)) == 0  # GRASSROOTS_LANG=en
    assert "个问题" not in capsys.readouterr().out
    assert main(["coverage", "nope"], settings=settings) != 0
    assert "没有 id 为 'nope' 的节点" in capsys.readouterr().err  # an unknown id, as the API says it
    assert main(["--lang", "en", "coverage", "nope"], settings=settings) != 0
    assert "no node has id 'nope'" in capsys.readouterr().err


def test_the_command_lines_help_is_in_the_language_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, said in ((["gaps", "--help"], "按规则计数，不列出"), (["gaps", "--help", "--lang", "en"], "count per rule, without listing")):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 0 and said in capsys.readouterr().out
    assert current() is Lang.ZH  # the command's language ends with it


def test_a_rule_a_write_breaks_is_named_in_the_readers_language() -> None:
    """The store's own rules (graph/invariants.py) speak as the import's checks do; the cached reasons follow the language."""
    prov = Provenance(source="test", recorded_at=datetime(2026, 1, 1))
    store = MemoryStore()
    store.write(Batch(nodes=[Territory(id="d", name="抚东区", level=Level.DISTRICT, provenance=prov)]))
    enclave = Batch(
        nodes=[Territory(id="c9", name="飞地社区", level=Level.COMMUNITY, provenance=prov)],
        edges=[Within(source="c9", target="d", provenance=prov)],
    )
    said: dict[Lang, set[str]] = {}
    for lang in (Lang.ZH, Lang.EN, Lang.ZH):
        with using(lang), pytest.raises(InvariantViolation) as refused:
            store.write(enclave)
        said.setdefault(lang, set()).add(refused.value.violations[0].message)
    assert said[Lang.ZH] == {"c9 -WITHIN-> d：社区的上级应是街道（ALLOWED_PARENTS），而不是区"}
    assert said[Lang.EN] == {"c9 -WITHIN-> d: the parent of a community must be a street (ALLOWED_PARENTS), not a district"}
