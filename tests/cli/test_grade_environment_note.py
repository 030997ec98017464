"""``grader grade`` ends with a distinct note when submissions hit environment gaps (no kernel:
the grading itself is stood in for, the command's own wiring and outputs are real)."""

from __future__ import annotations

import json
from dataclasses import replace

import nbformat
import pytest

from grader.cli import main
from grader.commands import grade as grade_command
from grader.models.environment import EnvironmentGap
from grader.pipeline import Graded, invalid_result

IMBLEARN = EnvironmentGap(
    "missing_package", "imblearn", 2, "ModuleNotFoundError: No module named 'imblearn'", "imbalanced-learn", (2, 5)
)


@pytest.fixture
def class_folder(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    for name in ("2201001_hw.ipynb", "2201002_hw.ipynb"):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), str(folder / name))
    return folder


def _grade(folder, out, monkeypatch, gaps_of):
    def fake_grade_jobs(jobs, workers=1, on_graded=None, executor="local"):
        graded = []
        for index, job in enumerate(jobs):
            result = invalid_result(job.submission, job.settings.rubric, "stood in for")
            done = Graded(replace(result, status="graded", environment_gaps=gaps_of(index)), None)
            if on_graded is not None:
                on_graded(index, job, done)
            graded.append(done)
        return graded

    monkeypatch.setattr(grade_command, "grade_jobs", fake_grade_jobs)
    return main(["grade", str(folder), "--rubric", "hcv", "--out", str(out), "--no-sandbox", "--no-cache"])


def test_grade_notes_the_submissions_that_need_review(class_folder, tmp_path, monkeypatch, capsys) -> None:
    out = tmp_path / "out"
    _grade(class_folder, out, monkeypatch, lambda index: (IMBLEARN,) if index == 0 else ())
    err = capsys.readouterr().err
    assert "grader: 1 submission(s) need review: the grading environment lacks imblearn (1)." in err
    first = json.loads((out / "results.jsonl").read_text().splitlines()[0])
    assert first["environment_gaps"][0]["package"] == "imbalanced-learn"
    assert 'data-name="imblearn"' in (out / "index.html").read_text()


def test_no_note_without_gaps(class_folder, tmp_path, monkeypatch, capsys) -> None:
    _grade(class_folder, tmp_path / "out", monkeypatch, lambda index: ())
    assert "need review" not in capsys.readouterr().err
