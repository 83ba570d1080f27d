"""The grassroots command, run in process through ``main(argv)`` on a data folder of its own, as a user runs it."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from cli.main import main
from graph.settings import Settings


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def _grassroots(*args: str, data: Path) -> Ran:
    """One command with the default settings but for the data folder (keys beside the data, as by default)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args), settings=Settings(data_dir=data, auth=True, keys_file=None))
        except SystemExit as exc:  # argparse refuses bad arguments this way
            code = int(exc.code or 0)
    return Ran(code, out.getvalue(), err.getvalue())


def test_generate_then_stats_then_map(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = _grassroots("generate", "--households", "3000", "--seed", "2", data=data)
    assert made.returncode == 0, made.stderr
    assert "生成" in made.stderr and " 户/s" in made.stderr  # the progress bar
    assert "写入了" in made.stdout

    stats = _grassroots("stats", data=data)
    assert stats.returncode == 0
    counts = dict(line.split() for line in stats.stdout.splitlines())
    assert int(counts["territory"].replace(",", "")) > 10
    assert int(counts["WITHIN"].replace(",", "")) == int(counts["territory"].replace(",", "")) - 1

    page = tmp_path / "street.html"
    drawn = _grassroots("map", "s01", "-o", str(page), data=data)
    assert drawn.returncode == 0, drawn.stderr
    assert "<!doctype html>" in page.read_text(encoding="utf-8")


def test_generating_over_a_network_needs_replace(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _grassroots("generate", "--households", "1000", data=data).returncode == 0
    again = _grassroots("generate", "--households", "1000", data=data)
    assert again.returncode == 1
    assert "--replace" in again.stderr
    assert _grassroots("generate", "--households", "1000", "--replace", data=data).returncode == 0


def test_a_map_of_an_unknown_scope_says_which(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _grassroots("generate", "--households", "1000", data=data)
    missing = _grassroots("map", "nowhere", "-o", str(tmp_path / "x.html"), data=data)
    assert missing.returncode == 1 and "nowhere" in missing.stderr
    assert not (tmp_path / "x.html").exists()


def test_gap_rates_are_chosen_on_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = _grassroots("generate", "--households", "5000", "--gap", "area_without_branch=1", "--gap", "grid_without_group=0", data=data)
    assert made.returncode == 0, made.stderr
    stats = dict(line.split() for line in _grassroots("stats", data=data).stdout.splitlines())
    # every residential area lacks its branch, so no grid has a group under one: no household heads
    # (a grid's heads come with its group), only the roll, held by the communities' and units' organisations,
    # of whom about a third volunteer on a grid (SERVES)
    members, serving = (int(stats[key].replace(",", "")) for key in ("member", "SERVES"))
    assert members > 500 and serving < 0.4 * members


def test_a_gap_name_or_rate_that_does_not_exist_is_refused_with_the_names(tmp_path: Path) -> None:
    wrong_name = _grassroots("generate", "--gap", "potholes=0.5", data=tmp_path / "data")
    assert wrong_name.returncode == 2 and "area_without_branch" in wrong_name.stderr
    wrong_rate = _grassroots("generate", "--gap", "area_without_branch=lots", data=tmp_path / "data")
    assert wrong_rate.returncode == 2 and "from 0 to 1" in wrong_rate.stderr


def test_template_import_imports_and_export_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _grassroots("template", str(tmp_path / "t.xlsx"), data=data).returncode == 0
    assert _grassroots("generate", "--households", "2000", "--seed", "4", data=data).returncode == 0
    exported = _grassroots("export", str(tmp_path / "city.xlsx"), data=data)
    assert exported.returncode == 0 and "structure" in exported.stdout

    again = _grassroots("import", str(tmp_path / "city.xlsx"), data=data)
    assert again.returncode == 0, again.stderr
    assert "改动了 0 个节点和边" in again.stdout  # the same graph, from its own export
    assert "写入" in again.stderr  # the progress bar

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "household_heads.csv").write_text("id,name,grid_id,category\nh-x,张三,nowhere,retired\n", encoding="gb18030")
    refused = _grassroots("import", str(bad), data=data)
    assert refused.returncode == 1
    assert "household_heads 第 2 行 grid_id = 'nowhere'" in refused.stderr
    assert (tmp_path / "bad.problems.xlsx").exists()

    listed = _grassroots("imports", data=data)
    assert [line.split()[2] for line in listed.stdout.splitlines()] == ["refused", "applied", "applied"]
    assert "grassroots generate --households 2000 --seed 4" in listed.stdout  # the generated network is in the log too


def test_keys_are_made_listed_and_revoked_from_the_command_line_and_kept_hashed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _grassroots("generate", "--households", "1000", data=data).returncode == 0
    made = _grassroots("keys", "create", "--role", "editor", "--scope", "s01", "--name", "东湖街道", data=data)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("gg_") and "只显示这一次" in made.stderr
    kept = (data / "keys.json").read_text(encoding="utf-8")
    assert token.split("_", 2)[2] not in kept and "secret_sha256" in kept
    key_id = token.split("_")[1]
    assert f"{key_id}  editor  s01" in _grassroots("keys", "list", data=data).stdout
    wrong = _grassroots("keys", "create", "--role", "viewer", "--scope", "o-s01", data=data)
    assert wrong.returncode == 1 and "o-s01 不是" in wrong.stderr
    assert _grassroots("keys", "revoke", key_id, data=data).returncode == 0
    assert key_id not in _grassroots("keys", "list", data=data).stdout


def test_generate_replace_keeps_the_audit_log_and_enters_itself(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _grassroots("generate", "--households", "1000", "--seed", "1", data=data).returncode == 0
    assert _grassroots("generate", "--households", "1000", "--seed", "2", "--replace", data=data).returncode == 0
    listed = _grassroots("imports", data=data).stdout
    assert "--seed 1" in listed and "--seed 2" in listed  # the audit log is append-only: starting over is one more entry
