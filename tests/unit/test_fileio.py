"""Atomic writes: private by default, 0644 for what the instructor's group and a web server read."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.fileio import SHARED, make_shared_dir, write_bytes_atomic, write_json_atomic, write_text_atomic


@pytest.fixture
def strict_umask() -> Iterator[None]:
    """An instructor whose umask lets nobody else read anything (077)."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_shared_files_are_0644_whatever_the_umask(tmp_path: Path, strict_umask: None) -> None:
    page = write_text_atomic(tmp_path / "index.html", "<p>class</p>", mode=SHARED)
    data = write_json_atomic(tmp_path / "a.json", {"score": 1}, mode=SHARED)
    raw = write_bytes_atomic(tmp_path / "b.bin", b"\x00", mode=SHARED)
    assert [mode(p) for p in (page, data, raw)] == [0o644, 0o644, 0o644]


def test_replacing_a_file_gives_it_the_new_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    write_text_atomic(target, "old")
    assert mode(target) == 0o600
    write_text_atomic(target, "new", mode=SHARED)
    assert mode(target) == 0o644 and target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_private_by_default(tmp_path: Path) -> None:
    # a probe configuration carries the run's token: only its owner may read it
    assert mode(write_json_atomic(tmp_path / "probe.json", {"token": "x"})) == 0o600


def test_an_output_folder_made_by_the_grader_can_be_entered(tmp_path: Path, strict_umask: None) -> None:
    existing = tmp_path / "mine"
    existing.mkdir()  # 0700 under this umask, and left so
    made = make_shared_dir(existing / "grades" / "hw1")
    assert [mode(p) for p in (existing, existing / "grades", made)] == [0o700, 0o755, 0o755]
    assert make_shared_dir(made) == made
