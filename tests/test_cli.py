"""The grassroots command, run as a user runs it, on a data folder of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _grassroots(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRASSROOTS_DATA_DIR": str(data), "GRASSROOTS_STORE": "memory"}
    return subprocess.run([sys.executable, "-m", "api.cli", *args], capture_output=True, text=True, env=env, timeout=120)


def test_generate_then_stats_then_map(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = _grassroots("generate", "--households", "3000", "--seed", "2", data=data)
    assert made.returncode == 0, made.stderr
    assert "households" in made.stderr  # the progress bar
    assert "wrote" in made.stdout

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
