"""``grader grade --due``: the LMS's submission time against the due time, the penalty on the
total, in the result JSON, the reports and every export (no kernel: grading is stood in for, the
command's wiring, intake and outputs are real)."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace

import nbformat
import pytest

from grader.cli import main
from grader.commands import grade as grade_command
from grader.export import export_results, gradescope_results, read_results
from grader.pipeline import Graded, invalid_result
from tests.report.factories import hcv_items

DUE = "2026-12-01T23:59+07:00"
LATE_BY_26_H = "2026-12-03T01:59:00.000000+07:00"  # Gradescope's created_at, with its offset
EARNED = 70.0


def _notebook_text() -> str:
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))


@pytest.fixture
def stand_in(monkeypatch):
    graded = []

    def fake_grade_jobs(jobs, workers=1, on_graded=None, executor="local"):
        for index, job in enumerate(jobs):
            result = invalid_result(job.submission, job.settings.rubric, "stood in for")
            done = Graded(replace(result, status="graded", items=hcv_items(), score=EARNED, max_score=100.0), None)
            graded.append(job.submission.display)
            if on_graded is not None:
                on_graded(index, job, done)
        return []

    monkeypatch.setattr(grade_command, "grade_jobs", fake_grade_jobs)
    return graded


def _autograder(tmp_path, created_at: str = LATE_BY_26_H):
    """Gradescope's autograder layout: the submission folder and its metadata beside it."""
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "submission" / "hw.ipynb").write_text(_notebook_text(), encoding="utf-8")
    metadata = {"id": 1, "created_at": created_at, "assignment": {"due_date": DUE, "late_due_date": None}}
    (root / "submission_metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    return root


def _grade(source, out, *flags: str) -> int:
    return main(["grade", str(source), "--rubric", "hcv", "--out", str(out), "--no-sandbox", "--no-cache", *flags])


def _only_json(out):
    (path,) = [p for p in out.glob("*.json")]
    return json.loads(path.read_text(encoding="utf-8")), path


def test_due_penalises_the_total_and_every_output_says_so(tmp_path, stand_in, capsys) -> None:
    out = tmp_path / "grades"
    assert _grade(_autograder(tmp_path), out, "--due", DUE, "--late-penalty", "10:50") == 0
    data, path = _only_json(out)
    assert data["score"] == 56.0  # 26 h late: two days begun, 20% of 70
    assert data["late"] == {
        "due": DUE,
        "submitted_at": "2026-12-02T18:59:00+00:00",
        "minutes_late": 26 * 60,
        "penalty_percent": 20.0,
        "score_before": EARNED,
        "score_after": 56.0,
        "marked_late": False,
        "needs_review": False,
        "text": "Submitted 26 h late: −20% of the total.",
    }
    assert "Submitted 26 h late: −20%" in path.with_suffix(".html").read_text(encoding="utf-8")
    assert "Submitted 26 h late: −20%" in (out / "index.html").read_text(encoding="utf-8")
    said = capsys.readouterr()
    assert "warning" not in said.err  # the LMS gave a time: nothing to warn about
    assert f"due {DUE}: 1 late with a penalty, 0 without an LMS time" in said.out

    (result,) = read_results(out)
    assert result.score == 56.0 and result.late is not None and result.late.percent == 20
    gradescope = gradescope_results(result)
    assert gradescope["score"] == 56.0 and "Submitted 26 h late" in gradescope["output"]
    export_results(out, "csv")
    with open(out / "grades.csv", encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["score"], row["minutes_late"], row["late_penalty_percent"], row["score_before_late"]) == (
        "56",
        str(26 * 60),
        "20",
        "70",
    )
    (junit,) = export_results(out, "junit")
    properties = {p.get("name"): p.get("value") for p in ET.parse(junit).iter("property")}
    assert properties["score"] == "56" and properties["late_penalty_percent"] == "20"
    assert properties["due"] == DUE


def test_indonesian_reports_say_it_in_indonesian(tmp_path, stand_in) -> None:
    out = tmp_path / "grades"
    assert _grade(_autograder(tmp_path), out, "--due", DUE, "--late-penalty", "10", "--lang", "id") == 0
    data, path = _only_json(out)
    assert data["late"]["text"] == "Dikirim terlambat 26 jam: −20% dari total nilai."
    assert "Dikirim terlambat 26 jam" in path.with_suffix(".html").read_text(encoding="utf-8")


def test_on_time_loses_nothing_and_without_due_nothing_changes(tmp_path, stand_in) -> None:
    out = tmp_path / "grades"
    source = _autograder(tmp_path, created_at="2026-12-01T16:59:00Z")  # exactly the due time, in UTC
    assert _grade(source, out, "--due", DUE, "--late-penalty", "10") == 0
    data, _ = _only_json(out)
    assert data["score"] == EARNED and data["late"]["minutes_late"] == 0 and data["late"]["text"] == ""

    plain = tmp_path / "plain"
    assert _grade(_autograder(tmp_path / "again"), plain) == 0
    data, _ = _only_json(plain)
    assert data["score"] == EARNED and data["late"] is None


def test_a_rerun_without_due_takes_the_penalty_back_without_regrading(tmp_path, stand_in) -> None:
    out, source = tmp_path / "grades", _autograder(tmp_path)
    assert _grade(source, out, "--due", DUE, "--late-penalty", "10") == 0
    assert _only_json(out)[0]["score"] == 56.0
    assert _grade(source, out) == 0
    assert len(stand_in) == 1  # the second run reused the kept result
    data, _ = _only_json(out)
    assert data["score"] == EARNED and data["late"] is None
    assert _grade(source, out, "--due", "2026-12-02T23:59+07:00", "--late-penalty", "10") == 0
    assert _only_json(out)[0]["score"] == 63.0  # 2 h late under the new due time: one day begun, 10%


def test_canvas_late_marker_without_a_time_is_flagged_not_penalised(tmp_path, stand_in, capsys) -> None:
    download = tmp_path / "canvas.zip"
    with zipfile.ZipFile(download, "w") as zf:
        zf.writestr("lestariayu_LATE_98765_4321_tugas.ipynb", _notebook_text())
        zf.writestr("santosobudi_98766_4322_tugas.ipynb", _notebook_text())
    out = tmp_path / "grades"
    assert _grade(download, out, "--due", DUE, "--late-penalty", "10") == 0
    said = capsys.readouterr()
    err = said.err
    assert "0 late with a penalty, 2 without an LMS time (1 marked late by the LMS: review them)" in said.out
    assert "lestariayu_LATE_98765_4321_tugas.ipynb: the LMS marks it late but gives no submission time" in err
    assert "santosobudi_98766_4322_tugas.ipynb: the LMS gives no submission time; no late penalty applied" in err
    results = {r.student: r for r in read_results(out)}
    assert {s: r.score for s, r in results.items()} == {"98765": EARNED, "98766": EARNED}
    marked = results["98765"].late
    assert marked is not None and marked.needs_review and marked.percent == 0
    assert results["98766"].late is not None and not results["98766"].late.needs_review
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "LMS marks this submission late" in page
    reviews = dict(re.findall(r'data-submission="[^"]*_(LATE_98765|98766)_[^"]*"[^>]*data-review="(\d+)"', page))
    assert int(reviews["LATE_98765"]) == int(reviews["98766"]) + 1  # the class page counts it for review
    rows = list(csv.reader(export_results(out, "canvas")[0].open(encoding="utf-8")))
    assert {row[1]: row[-1] for row in rows}["98765"] == "70"  # no time, no penalty


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--due", "2026-12-01T23:59"], "give the time zone too"),
        (["--due", "next friday"], "not an ISO 8601 time"),
        (["--due", DUE], "--due needs a late policy: rubric 'hcv' has no 'late:'"),
        (["--due", DUE, "--late-penalty", "10:150"], "max"),
        (["--due", DUE, "--late-penalty", "ten"], "per_day"),
        (["--late-penalty", "10"], "--late-penalty needs --due"),
    ],
)
def test_bad_due_options_are_one_line_and_exit_2_before_grading(tmp_path, stand_in, capsys, flags, said) -> None:
    assert _grade(_autograder(tmp_path), tmp_path / "o", *flags) == 2
    err = [line for line in capsys.readouterr().err.strip().splitlines() if "WITHOUT a sandbox" not in line]
    assert len(err) == 1 and said in err[0]
    assert stand_in == []


def test_moodle_download_with_its_grading_worksheet(tmp_path, stand_in, capsys) -> None:
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w") as zf:
        zf.writestr("Ayu Lestari_123456_assignsubmission_file_/tugas.ipynb", _notebook_text())
        zf.writestr("Budi Santoso_222_assignsubmission_file_/tugas.ipynb", _notebook_text())
    sheet = tmp_path / "worksheet.csv"
    sheet.write_text(
        'Identifier,"Full name","Email address",Status,Grade,"Maximum Grade","Grade can be changed",'
        '"Last modified (submission)","Last modified (grade)","Feedback comments"\n'
        '"Participant 123456","Ayu Lestari",,"Submitted for grading",,100.00,Yes,'
        '"Wednesday, 2 December 2026, 1:30 AM",-,\n'
        '"Participant 222","Budi Santoso",,"Submitted for grading",,100.00,Yes,'
        '"Tuesday, 1 December 2026, 11:00 PM",-,\n',
        encoding="utf-8",
    )
    out = tmp_path / "grades"
    flags = ["--due", DUE, "--moodle-worksheet", str(sheet), "--moodle-timezone", "Asia/Jakarta"]
    assert _grade(download, out, *flags, "--late-penalty", "10") == 0
    assert "no submission time" not in capsys.readouterr().err
    results = {r.student: r for r in read_results(out)}
    ayu, budi = results["123456"], results["222"]
    assert ayu.late is not None and ayu.late.minutes_late == 91 and ayu.score == 63.0  # 1 h 31 min late: 10%
    assert budi.late is not None and budi.late.minutes_late == 0 and budi.score == EARNED
    rows = {r["Identifier"]: r for r in csv.DictReader(export_results(out, "moodle")[0].open(encoding="utf-8"))}
    assert rows["Participant 123456"]["Grade"] == "63"
    assert rows["Participant 123456"]["Last modified (submission)"] == "2026-12-01T18:30:00+00:00"


def test_a_worksheet_without_its_time_zone_is_refused(tmp_path, stand_in, capsys) -> None:
    sheet = tmp_path / "worksheet.csv"
    sheet.write_text("Identifier,Last modified (submission)\n", encoding="utf-8")
    assert _grade(_autograder(tmp_path), tmp_path / "o", "--moodle-worksheet", str(sheet)) == 2
    assert "--moodle-worksheet needs --moodle-timezone" in capsys.readouterr().err


def test_report_renders_the_late_line_again_in_the_other_language(tmp_path, stand_in) -> None:
    out = tmp_path / "grades"
    assert _grade(_autograder(tmp_path), out, "--due", DUE, "--late-penalty", "10") == 0
    assert main(["report", str(out), "--lang", "id"]) == 0
    data, path = _only_json(out)
    assert data["score"] == 56.0 and data["late"]["text"] == "Dikirim terlambat 26 jam: −20% dari total nilai."
    assert "Dikirim terlambat 26 jam" in (out / "index.html").read_text(encoding="utf-8")
    assert "Dikirim terlambat 26 jam" in path.with_suffix(".html").read_text(encoding="utf-8")


def test_an_override_goes_on_the_items_before_the_late_penalty_and_holds_through_reruns(tmp_path, stand_in) -> None:
    out, source = tmp_path / "grades", _autograder(tmp_path)
    assert _grade(source, out, "--due", DUE, "--late-penalty", "10:50") == 0
    data, path = _only_json(out)
    item = next(i for i in data["items"] if i["points"] < i["max_points"])
    raise_by = item["max_points"] - item["points"]
    assert main(["override", str(out), path.stem, item["id"], "--points", str(item["max_points"])]) == 0
    expected = round((EARNED + raise_by) * 0.8, 4)  # the instructor's points, then 20% off the new total
    data, _ = _only_json(out)
    assert data["score"] == pytest.approx(expected)
    assert data["late"]["score_before"] == pytest.approx(EARNED + raise_by)
    # graded again with the same due time: reused, the same; without one: the override alone
    assert _grade(source, out, "--due", DUE, "--late-penalty", "10:50") == 0
    assert _only_json(out)[0]["score"] == pytest.approx(expected)
    assert _grade(source, out) == 0
    data, _ = _only_json(out)
    assert data["score"] == pytest.approx(EARNED + raise_by) and data["late"] is None
