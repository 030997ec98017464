"""Relative paths on the command line grade exactly like absolute ones, and a fault of the
grader's own is status ``error`` with exit code 3 - never ``kernel_died``.

The sandboxed worker starts in another folder than the grader: a relative ``--out``,
``--cache-dir``, ``--data-dir`` or submissions folder once left it unable to find its job
file, and every notebook ended "kernel_died: did the notebook exit or disturb its parent
process?".  Each run below goes through ``grader.cli.main`` from a working folder of its own.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader.cli import main
from grader.datasets.hcv import synthetic_hcv_csv

from . import needs_sandbox

pytestmark = [pytest.mark.sandbox, pytest.mark.notebook, needs_sandbox]

RUBRIC = """schema: 1
name: paths
title: Paths
datasets: [hcv]
limits: {cell_timeout_s: 60, notebook_timeout_s: 120}
items:
  - {id: runs, title: It runs, check: runs, points: 2}
  - id: rows
    title: The real data was read, and the note beside the notebook
    check: output
    points: 3
    params: {contains: ["digest %s", "note: handed in"]}
"""
HCV = synthetic_hcv_csv(seed=7)  # not the stand-in (seed 0): only the --data-dir file has this digest
DIGEST = hashlib.sha256(HCV.encode()).hexdigest()[:16]
READS = [
    "import hashlib\nprint('digest', hashlib.sha256(open('hcvdat0.csv', 'rb').read()).hexdigest()[:16])",
    "print(open('catatan.txt').read().strip())",
]
BREAKS = ["print('digest', 0)", "1 / 0"]


def _class(root: Path) -> None:
    """A class folder (two students, one with a note handed in), a rubric and a data folder."""
    for student, cells in (("ana", READS), ("budi", BREAKS)):
        folder = root / "subs" / student
        folder.mkdir(parents=True)
        nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), folder / "tugas.ipynb")
    (root / "subs" / "ana" / "catatan.txt").write_text("note: handed in\n", encoding="utf-8")
    (root / "rubric.yaml").write_text(RUBRIC % DIGEST, encoding="utf-8")
    (root / "data").mkdir()
    (root / "data" / "hcvdat0.csv").write_text(HCV, encoding="utf-8")  # a valid file: used as the real one


def _graded(out: Path) -> dict[str, tuple]:
    """Per report: status, score and each item's points and verdict, and the notes."""
    found = {}
    for path in sorted(out.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        items = tuple((i["id"], i["points"], i["passed"]) for i in data["items"])
        found[path.stem] = (data["status"], data["score"], items, json.dumps(data.get("notes"), sort_keys=True))
    return found


@pytest.fixture(scope="module")
def absolute_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    root = tmp_path_factory.mktemp("absolute")
    _class(root)
    args = ["grade", str(root / "subs"), "--rubric", str(root / "rubric.yaml"), "--out", str(root / "out")]
    assert main([*args, "--data-dir", str(root / "data"), "--no-cache"]) == 0  # budi fails items, but is graded
    graded = _graded(root / "out")
    assert graded["ana__tugas"][:2] == ("graded", 5.0), graded
    assert graded["budi__tugas"][0] == "graded"
    return graded


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_grade_with_relative_paths_grades_like_absolute(
    absolute_run: dict[str, tuple], cached: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _class(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = ["grade", "subs", "--rubric", "rubric.yaml", "--data-dir", "data"]
    cache = ["--cache-dir", "cache"] if cached else ["--no-cache"]
    assert main([*args, "--out", "out", *cache]) == 0
    assert _graded(tmp_path / "out") == absolute_run
    if cached:  # the second time from the cache, still alike
        assert main([*args, "--out", "again", *cache]) == 0
        assert _graded(tmp_path / "again") == absolute_run
        assert any((tmp_path / "cache").iterdir())
    else:
        assert not (tmp_path / "cache").exists()
        # the kept runs hold only what their evidence is read again from
        runs = sorted((tmp_path / "out" / ".work").glob("run-*"))
        assert len(runs) == 2
        for run in runs:
            assert not (run / "work").exists() and not (run / "home").exists()
            assert (run / "evidence").is_dir() and (run / "out" / "executed.ipynb").is_file()
        assert main(["report", "out", "--lang", "en"]) == 0  # rendered again, with that evidence
        assert _graded(tmp_path / "out") == absolute_run


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_check_with_relative_paths_grades_like_absolute(
    absolute_run: dict[str, tuple], cached: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _class(tmp_path)
    monkeypatch.chdir(tmp_path)
    cache = ["--cache-dir", "cache"] if cached else ["--no-cache"]
    args = ["check", "subs/ana/tugas.ipynb", "--rubric", "rubric.yaml", "--data-dir", "data", "--sandbox"]
    assert main([*args, *cache, "--json", "ana.json"]) == 0
    assert _graded(tmp_path)["ana"] == absolute_run["ana__tugas"]


def test_a_grader_fault_in_the_sandbox_is_error_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The worker cannot find its job file (planted): nothing of the notebook ran, so it is the grader's fault."""
    _class(tmp_path)
    monkeypatch.chdir(tmp_path)
    launch = importlib.import_module("grader.execute.launch")
    real = launch.worker_command
    monkeypatch.setattr(launch, "worker_command", lambda path, python=None: real("elsewhere/job.json", python))
    code = main(["grade", "subs", "--rubric", "rubric.yaml", "--out", "out", "--no-cache", "--data-dir", "data"])
    err = capsys.readouterr().err
    assert code == 3
    assert "2 of 2 notebooks were not graded because the grader failed" in err
    for stem in ("ana__tugas", "budi__tugas"):
        data = json.loads((tmp_path / "out" / f"{stem}.json").read_text(encoding="utf-8"))
        assert data["status"] == "error"
        assert "the grader failed to run the notebook" in data["reason"]
        assert "job.json" in data["reason"]
        assert "did the notebook" not in json.dumps(data)
    code = main(["check", "subs/ana/tugas.ipynb", "--rubric", "rubric.yaml", "--no-cache", "--sandbox"])
    err = capsys.readouterr().err
    assert code == 3
    assert "the grader failed to run the notebook" in err
