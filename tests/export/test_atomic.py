"""Exports are written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.fileio import write_text_atomic


def test_writes_and_replaces_without_leftovers(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "grades.csv"
    write_text_atomic(target, "old\r\n")
    write_text_atomic(target, "new\r\nrows\r\n")
    assert target.read_bytes() == b"new\r\nrows\r\n"  # no newline translation
    assert [p.name for p in target.parent.iterdir()] == ["grades.csv"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "grades.csv"
    write_text_atomic(target, "old")

    def refuse(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_text_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]
