"""A late penalty (``grade --due``) as the result JSON keeps it and the exports carry it."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from grader.export.results_file import result_from_json, result_to_json
from grader.models.rubric import LatePolicy
from grader.report.view import shown_totals
from grader.scoring.late import late_applied

from .builders import canvas_results, export_one, moodle_results, result, scored, write_results

DUE = datetime(2026, 12, 1, 16, 59, tzinfo=UTC)
POLICY = LatePolicy(per_day=25, max=100)


def _late(found, hours: float = 3):
    return late_applied(found, DUE, POLICY, DUE + timedelta(hours=hours))


def test_the_result_json_keeps_the_reckoning_and_reads_it_back() -> None:
    graded = _late(result("s1", "a.ipynb", (scored("hcv.split", 20, 20), scored("hcv.loss_plot", 10, 20))))
    data = result_to_json(graded, "en")
    assert data["score"] == 22.5 and data["late"]["score_before"] == 30 and data["late"]["minutes_late"] == 180
    assert result_from_json(data) == graded
    assert result_to_json(result("s2", "b.ipynb", (scored("hcv.split", 20, 20),)))["late"] is None


def test_moodle_worksheet_gets_the_submission_time_and_the_penalised_grade(tmp_path) -> None:
    first, *rest = moodle_results()
    folder = write_results(tmp_path, [_late(first), *rest])
    rows = list(csv.DictReader(io.StringIO(export_one(folder, "moodle").read_text(encoding="utf-8"))))
    ayu = next(r for r in rows if r["Identifier"] == "Participant 123456")
    assert ayu["Grade"] == "15" and ayu["Last modified (submission)"] == "2026-12-01T19:59:00+00:00"
    assert "Submitted 3 h late: −25% of the total." in ayu["Feedback comments"]
    others = [r for r in rows if r["Identifier"] != "Participant 123456"]
    assert {r["Last modified (submission)"] for r in others} == {"-"}


def test_grades_csv_has_late_columns_only_when_graded_with_a_due_time(tmp_path) -> None:
    plain = export_one(write_results(tmp_path / "plain", moodle_results()), "csv").read_text(encoding="utf-8")
    assert "late" not in plain.splitlines()[0]
    first, *rest = moodle_results()
    dated = export_one(write_results(tmp_path / "dated", [_late(first), *rest]), "csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(dated)))
    assert (rows[0]["score"], rows[0]["late_penalty_percent"], rows[0]["score_before_late"]) == ("15", "25", "20")
    assert rows[1]["late_penalty_percent"] == ""


def test_the_student_view_shows_the_same_share_taken_off_what_it_shows() -> None:
    graded = result("s1", "a.ipynb", (scored("hcv.split", 20, 20), scored("hcv.integrity", 10, 10)))
    graded = replace(graded, items=(graded.items[0], replace(graded.items[1], visibility="hidden")))
    late = _late(graded)
    assert shown_totals(late, student_view=False) == (22.5, 30)
    assert shown_totals(late, student_view=True) == (15, 20)


def test_canvas_gradebook_import_carries_the_penalised_score(tmp_path) -> None:
    first, *rest = canvas_results()
    folder = write_results(tmp_path, [_late(first, hours=30), *rest])
    rows = list(csv.reader(io.StringIO(export_one(folder, "canvas").read_text(encoding="utf-8"))))
    assert {row[1]: row[-1] for row in rows}["98765"] == "10"  # 20 less 50% (two days begun at 25%)
