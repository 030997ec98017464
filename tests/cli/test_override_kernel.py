"""One real run: a two-cell notebook graded in a real kernel, an item overridden (its HTML report
drawn again from the run's own evidence), graded again (reused, the override held).  Under 30 s."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from conftest import sandbox_ok

from grader.cli import main

pytestmark = pytest.mark.notebook


def test_an_override_on_a_real_run_keeps_its_evidence_and_survives_grading_again(tmp_path: Path, capsys) -> None:
    subs, out = tmp_path / "subs", tmp_path / "grades"
    subs.mkdir()
    cells = [nbformat.v4.new_code_cell("print('AND 4/4 True')"), nbformat.v4.new_code_cell("raise ValueError('boom')")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), str(subs / "2201001_tugas.ipynb"))
    sandbox = [] if sandbox_ok() else ["--no-sandbox"]
    grade = ["grade", str(subs), "--rubric", "perceptron", "--out", str(out), "--no-cache", "--workers", "1", *sandbox]
    assert main(grade) == 0
    report = out / "2201001_tugas.html"
    before = report.read_text(encoding="utf-8")
    data = json.loads((out / "2201001_tugas.json").read_text(encoding="utf-8"))
    xor = next(i for i in data["items"] if i["id"] == "perceptron.xor")
    assert xor["points"] == 0 and data["run_folder"]
    assert (
        main(["override", str(out), "2201001_tugas", "perceptron.xor", "--points", "40", "--comment", "said in words"])
        == 0
    )
    after = report.read_text(encoding="utf-8")
    assert "said in words" in after and "changed by the instructor" in after
    source = "raise ValueError(&#39;boom&#39;)"  # the failed cell's code: only the run's evidence has it
    assert source in before and source in after
    capsys.readouterr()
    assert main(grade) == 0
    assert "1 unchanged and reused" in capsys.readouterr().out
    data = json.loads((out / "2201001_tugas.json").read_text(encoding="utf-8"))
    assert data["score"] == xor["max_points"] + sum(i["points"] for i in data["items"] if i["id"] != "perceptron.xor")
