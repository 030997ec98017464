"""Gradebook files: a plain CSV and a Canvas gradebook import."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from ..fileio import write_text_atomic
from ..models.results import Result
from .options import DEFAULT_OPTIONS, ExportOptions
from .summary import number, spreadsheet_text, student_key

CANVAS_FIXED = ("Student", "ID", "SIS User ID", "Section")
# Canvas's own export carries this row; on import it gives a new assignment its points.
CANVAS_POINTS_ROW = "Points Possible"


def csv_text(rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def _item_ids(results: Sequence[Result]) -> list[str]:
    seen: dict[str, None] = {}
    for result in results:
        for item in result.items:
            seen.setdefault(item.id, None)
    return list(seen)


def write_grades_csv(results: Sequence[Result], results_dir: Path, options: ExportOptions = DEFAULT_OPTIONS) -> Path:
    """``grades.csv``: one row per submission, points per item id."""
    item_ids = _item_ids(results)
    rows = [["student", "submission", "status", "score", "max_score", *item_ids]]
    for result in results:
        points = {i.id: number(i.points) for i in result.items}
        rows.append(
            [
                spreadsheet_text(result.student or ""),
                spreadsheet_text(result.submission),
                result.status,
                number(result.score),
                number(result.max_score),
                *(points.get(item_id, "") for item_id in item_ids),
            ]
        )
    return write_text_atomic(results_dir / "grades.csv", csv_text(rows))


def _canvas_ids(student: str | None) -> tuple[str, str]:
    """(Canvas ID, SIS User ID): Canvas user ids are numeric; anything else is an SIS id."""
    if not student:
        return "", ""
    return (student, "") if student.isdigit() else ("", student)


def canvas_column(rubric: str, assignment_id: int | None) -> str:
    """The assignment header; Canvas reads a number in parentheses as an existing assignment."""
    return f"{rubric} ({assignment_id})" if assignment_id is not None else rubric


def write_canvas_csv(results: Sequence[Result], results_dir: Path, options: ExportOptions = DEFAULT_OPTIONS) -> Path:
    """``canvas.csv``: Canvas gradebook import, one assignment column per rubric.

    Without ``assignment_id`` Canvas creates a new assignment named after the rubric with the
    points of the "Points Possible" row; with it, scores go to that existing assignment.
    """
    assignment_id = options.assignment_id
    rubrics = list(dict.fromkeys(r.rubric for r in results))
    maxima = {rubric: max(r.max_score for r in results if r.rubric == rubric) for rubric in rubrics}
    rows = [
        [*CANVAS_FIXED, *(canvas_column(r, assignment_id) for r in rubrics)],
        [CANVAS_POINTS_ROW, "", "", "", *(number(maxima[r]) for r in rubrics)],
    ]
    for result in results:
        canvas_id, sis_id = _canvas_ids(result.student)
        scores = [number(result.score) if rubric == result.rubric else "" for rubric in rubrics]
        rows.append([spreadsheet_text(student_key(result)), canvas_id, spreadsheet_text(sis_id), "", *scores])
    return write_text_atomic(results_dir / "canvas.csv", csv_text(rows))
