"""``grader grade --student-view``: each student's own report beside the instructor's, linked
from the class page, everything readable by the group (no kernel: grading is stood in for,
the command's wiring and outputs are real)."""

from __future__ import annotations

import os
import stat
from dataclasses import replace

import nbformat
import pytest

from grader.cli import main
from grader.commands import grade as grade_command
from grader.pipeline import Graded, invalid_result
from tests.report.factories import hcv_items

HIDDEN = "Printed claims match"


@pytest.fixture
def strict_umask():
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _grade(tmp_path, monkeypatch, *flags: str):
    folder = tmp_path / "subs"
    folder.mkdir()
    for name in ("2201001_hw.ipynb", "2201002_hw.ipynb"):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), str(folder / name))

    def fake_grade_jobs(jobs, workers=1, on_graded=None, executor="local"):
        graded = []
        for index, job in enumerate(jobs):
            result = invalid_result(job.submission, job.settings.rubric, "stood in for")
            items = hcv_items()
            done = Graded(replace(result, status="graded", items=items, score=70.0, max_score=100.0), None)
            if on_graded is not None:
                on_graded(index, job, done)
            graded.append(done)
        return graded

    monkeypatch.setattr(grade_command, "grade_jobs", fake_grade_jobs)
    out = tmp_path / "grades"
    main(["grade", str(folder), "--rubric", "hcv", "--out", str(out), "--no-sandbox", "--no-cache", *flags])
    return out


def test_grade_writes_student_reports_beside_the_instructors(tmp_path, monkeypatch, strict_umask) -> None:
    out = _grade(tmp_path, monkeypatch, "--student-view")
    students = sorted(out.glob("*.student.html"))
    assert [p.name.removesuffix(".student.html") for p in students] == sorted(p.stem for p in out.glob("*.json"))
    for page in students:
        text = page.read_text(encoding="utf-8")
        assert HIDDEN not in text and "hcv.integrity" not in text and "Loss curves" in text
        assert HIDDEN in page.with_name(page.name.replace(".student.html", ".html")).read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{p.name}"' in index for p in students)
    # umask 077, yet the group and a web server can reach and read every report
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    reports = [p for p in out.iterdir() if p.is_file() and not p.name.startswith("gradebook.sqlite")]
    assert {stat.S_IMODE(p.stat().st_mode) for p in reports} == {0o644}  # the gradebook keeps the umask


def test_grade_without_student_view_writes_none(tmp_path, monkeypatch) -> None:
    out = _grade(tmp_path, monkeypatch)
    assert (out / "index.html").exists() and not list(out.glob("*.student.html"))
