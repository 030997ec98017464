"""The Canvas gradebook import CSV, read as Canvas's gradebook importer reads it."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest

from grader.errors import ConfigError
from grader.export import ExportOptions
from grader.export.canvas import write_canvas_csv
from grader.models.lms import canvas_user_id

from .builders import canvas_results, export_one, overridden, result, scored, write_results

EXPORT = Path(__file__).parent / "fixtures" / "canvas-gradebook-export.csv"
_TOTALS = re.compile(r"Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade")


def canvas_import(text: str) -> dict[str, object]:
    """Canvas's gradebook import rules: the header must start Student, ID, then SIS User ID and
    SIS Login ID, the student columns ending with Section; trailing total columns are read only;
    ``Title (id)`` is an existing assignment, any other header a new one; a row whose first cell
    holds "Points Possible" gives the maxima; each student row is keyed by ID, SIS User ID,
    SIS Login ID or name, in that order."""
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert len(header) > 3 and re.search("Student", header[0]) and re.search("ID", header[1])
    assert re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3])
    assert re.search("Section", header[4]), "Canvas refuses a header whose student columns end elsewhere"
    columns = header[5:]
    while columns and _TOTALS.search(columns[-1]):
        columns.pop()
    assignments = []
    for column in columns:
        match = re.fullmatch(r"(?P<title>.*) \((?P<id>\d+)\)", column)
        assignments.append((match["title"], int(match["id"])) if match else (column, None))
    points: list[str] = []
    students = {}
    for row in rows[1:]:
        if re.search("Points Possible", row[0]):
            points = row[5 : 5 + len(assignments)]
            continue
        key = next(
            (
                f"{kind}:{value}"
                for kind, value in zip(("id", "sis", "login", "name"), row[1:4] + row[:1], strict=True)
                if value
            )
        )
        if key.startswith("id:"):
            assert row[1].isdigit(), "a Canvas user id is a number"
        grades = row[5 : 5 + len(assignments)]
        for grade in grades:
            assert grade == "" or re.fullmatch(r"\d+(\.\d+)?", grade), f"not a score: {grade!r}"
        students[key] = grades
    return {"assignments": assignments, "points": points, "students": students}


def test_the_reader_reads_canvas_own_export() -> None:
    imported = canvas_import(EXPORT.read_text(encoding="utf-8"))
    assert imported["assignments"] == [("Quiz 1", 20411), ("Tugas 2: HCV", 48213)]
    assert imported["points"] == ["10.00", "50.00"]
    assert imported["students"] == {"id:98765": ["8.00", "41.50"], "id:98770": ["", ""]}


def test_export_fills_an_existing_assignment(tmp_path: Path) -> None:
    warnings: list[str] = []
    folder = write_results(tmp_path / "out", canvas_results())
    path = export_one(folder, "canvas", assignment_id=48213, warn=warnings.append)
    assert path == folder / "canvas.csv"
    text = path.read_text(encoding="utf-8")
    assert next(csv.reader(io.StringIO(text))) == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "hcv (48213)",
    ]
    imported = canvas_import(text)
    assert imported["assignments"] == [("hcv", 48213)]
    assert imported["points"] == ["20"]
    assert imported["students"] == {"id:98765": ["20"], "id:98770": ["5"], "sis:2201009": ["10"]}
    assert warnings == []


def test_without_an_assignment_id_canvas_makes_a_new_one_and_says_so(tmp_path: Path) -> None:
    warnings: list[str] = []
    path = write_canvas_csv(canvas_results(), tmp_path, ExportOptions(warn=warnings.append))
    assert canvas_import(path.read_text(encoding="utf-8"))["assignments"] == [("hcv", None)]
    assert len(warnings) == 1 and "Canvas will create a new assignment 'hcv'" in warnings[0]


def test_one_assignment_id_for_two_rubrics_is_refused(tmp_path: Path) -> None:
    two = [*canvas_results(), replace(result("1", "x_1_2_y.ipynb", (scored("a", 1, 1),)), rubric="other")]
    with pytest.raises(ConfigError, match="2 rubrics"):
        write_canvas_csv(two, tmp_path, ExportOptions(assignment_id=7))


def test_names_that_look_like_formulas_stay_text(results_dir: Path) -> None:
    rows = list(csv.reader(io.StringIO(export_one(results_dir, "canvas").read_text(encoding="utf-8"))))
    assert rows[-1][:3] == ['\'=HYPERLINK("x")', "", '\'=HYPERLINK("x")']


@pytest.mark.parametrize(
    ("submission", "expected"),
    [
        ("subs.zip/anggrainidewi_98765_1201_tugas.ipynb", 98765),
        ("pratamarizky_LATE_98770_1202_tugas_final.ipynb", 98770),
        ("Ayu Lestari_123456_assignsubmission_file_/tugas.ipynb", None),
        ("2201009/tugas.ipynb", None),
    ],
)
def test_canvas_user_id_from_the_download_name(submission: str, expected: int | None) -> None:
    assert canvas_user_id(submission) == expected


def test_an_override_is_the_grade_canvas_imports(tmp_path: Path) -> None:
    folder = write_results(tmp_path / "out", overridden(canvas_results(), "hcv.split", 12))
    imported = canvas_import(export_one(folder, "canvas", assignment_id=48213).read_text(encoding="utf-8"))
    assert imported["students"]["id:98765"] == ["12"]
