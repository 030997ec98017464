"""Student-facing reports beside the instructor's, hidden items left out; every report and the
class page readable by the instructor's group (0644), whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.cli import main
from grader.pipeline import STUDENT_REPORT, Graded, render_again, write_class_outputs, write_submission_outputs
from tests.report.factories import make_evidence, make_result

HIDDEN_TITLE = "Printed claims match"  # the hidden item (its full title holds an escaped quote)
HIDDEN_FEEDBACK = "The notebook printed accuracy 0.99"


@pytest.fixture
def strict_umask() -> Iterator[None]:
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def graded_folder(out: Path, *, student_view: bool) -> None:
    graded = Graded(make_result(), make_evidence())
    write_submission_outputs(graded, out, "2201001", "en", student_view=student_view)
    write_class_outputs([(graded.result, "2201001")], out, "en")


def test_student_report_leaves_hidden_items_out(tmp_path: Path) -> None:
    graded_folder(tmp_path, student_view=True)
    instructor = (tmp_path / "2201001.html").read_text(encoding="utf-8")
    student = (tmp_path / f"2201001{STUDENT_REPORT}").read_text(encoding="utf-8")
    assert HIDDEN_TITLE in instructor and HIDDEN_FEEDBACK in instructor and "hcv.integrity" in instructor
    for secret in (HIDDEN_TITLE, HIDDEN_FEEDBACK, "hcv.integrity"):
        assert secret not in student
    # the student's totals are those of what they can see: 70 of 90, not 70 of 100
    assert '<div class="score" id="score">70 / 90</div>' in student
    assert "Loss curves" in student  # a visible failed item stays, with its feedback
    assert 'href="2201001.student.html"' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_without_student_view_no_student_report(tmp_path: Path) -> None:
    graded_folder(tmp_path, student_view=False)
    assert not (tmp_path / f"2201001{STUDENT_REPORT}").exists()
    assert "student.html" not in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_reports_and_class_page_are_0644(tmp_path: Path, strict_umask: None) -> None:
    graded_folder(tmp_path, student_view=True)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["2201001.html", "2201001.json", "2201001.student.html", "index.html", "results.jsonl"]
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()} == dict.fromkeys(files, 0o644)


def test_report_again_keeps_and_translates_student_reports(tmp_path: Path) -> None:
    graded_folder(tmp_path, student_view=True)
    render_again(tmp_path, "id")  # no --student-view: the existing student report is kept up to date
    student = (tmp_path / f"2201001{STUDENT_REPORT}").read_text(encoding="utf-8")
    assert 'lang="id"' in student and HIDDEN_TITLE not in student


def test_report_command_writes_student_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graded_folder(tmp_path, student_view=False)
    assert main(["report", str(tmp_path), "--student-view"]) == 0
    student = (tmp_path / f"2201001{STUDENT_REPORT}").read_text(encoding="utf-8")
    assert HIDDEN_TITLE not in student and "Loss curves" in student
    assert f"{tmp_path}/*{STUDENT_REPORT}" in capsys.readouterr().out
