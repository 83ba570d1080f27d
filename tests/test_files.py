"""atomic_write: the old file or the new one, never half of one."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.files import atomic_write


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    atomic_write(target, "旧".encode())
    atomic_write(target, "新的地图".encode())
    assert target.read_text(encoding="utf-8") == "新的地图"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_a_failed_write_leaves_the_old_file_and_no_leftover(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    atomic_write(target, b"old")
    with pytest.raises(TypeError):
        atomic_write(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]
