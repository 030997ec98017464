"""Canvas's gradebook import CSV (Grades → Import).

Canvas's importer reads the header as ``Student, ID, SIS User ID, SIS Login ID, Section`` and then
one column per assignment; a header ``Name (<assignment id>)`` is that existing assignment, any
other header makes a new one.  A row whose first cell says ``Points Possible`` gives each
assignment's maximum.  A student row is matched on ``ID`` (the Canvas user id), else on
``SIS User ID``, else ``SIS Login ID``, else the name in ``Student``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import ConfigError
from ..fileio import SHARED, write_text_atomic
from ..i18n import rubric_title_text
from ..models.lms import canvas_user_id
from ..models.results import Result
from .options import DEFAULT_OPTIONS, ExportOptions
from .spreadsheets import csv_text
from .summary import number, spreadsheet_text, student_key

CANVAS_FILE = "canvas.csv"
CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"


def canvas_column(name: str, assignment_id: int | None) -> str:
    """The assignment header; Canvas reads a number in parentheses as an existing assignment."""
    return f"{name} ({assignment_id})" if assignment_id is not None else name


def _student_cells(result: Result) -> list[str]:
    """Student, ID, SIS User ID, SIS Login ID, Section: the Canvas user id when the notebook came
    from a Canvas download, the student id as the SIS User ID otherwise."""
    user_id = canvas_user_id(result.submission)
    if user_id is not None:
        return [spreadsheet_text(student_key(result)), str(user_id), "", "", ""]
    return [spreadsheet_text(student_key(result)), "", spreadsheet_text(result.student or ""), "", ""]


def write_canvas_csv(results: Sequence[Result], results_dir: Path, options: ExportOptions = DEFAULT_OPTIONS) -> Path:
    """``canvas.csv``: one assignment column per rubric, the "Points Possible" row, a row per
    submission.  ``options.assignment_id`` names the existing assignment (one rubric only);
    without it Canvas creates a new assignment, which the warning says."""
    rubrics = list(dict.fromkeys(r.rubric for r in results))
    if options.assignment_id is not None and len(rubrics) > 1:
        raise ConfigError(
            f"--assignment-id {options.assignment_id} names one Canvas assignment but the results hold "
            f"{len(rubrics)} rubrics ({', '.join(rubrics)}): export each rubric's results folder on its own"
        )
    names = {
        rubric: next(rubric_title_text(r, options.lang) or rubric for r in results if r.rubric == rubric)
        for rubric in rubrics
    }
    if options.assignment_id is None:
        for rubric in rubrics:
            options.warn(
                f"canvas.csv: no --assignment-id, so Canvas will create a new assignment '{names[rubric]}' "
                "on import (give the id of an existing one to fill it)"
            )
    maxima = {rubric: max(r.max_score for r in results if r.rubric == rubric) for rubric in rubrics}
    rows = [
        [*CANVAS_FIXED, *(spreadsheet_text(canvas_column(names[r], options.assignment_id)) for r in rubrics)],
        [CANVAS_POINTS_ROW, "", "", "", "", *(number(maxima[r]) for r in rubrics)],
    ]
    for result in results:
        scores = [number(result.score) if rubric == result.rubric else "" for rubric in rubrics]
        rows.append([*_student_cells(result), *scores])
    return write_text_atomic(results_dir / CANVAS_FILE, csv_text(rows), mode=SHARED)
