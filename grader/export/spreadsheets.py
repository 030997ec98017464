"""The plain grades CSV, and the CSV writing every spreadsheet export shares."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from ..fileio import SHARED, write_text_atomic
from ..models.results import Result
from .options import DEFAULT_OPTIONS, ExportOptions
from .summary import number, spreadsheet_text


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


LATE_COLUMNS = ("submitted_at", "minutes_late", "late_penalty_percent", "score_before_late")
"""Columns added when the results were graded with ``--due``; ``score`` is the total after the penalty."""


def _late_cells(result: Result) -> list[str]:
    late = result.late
    if late is None:
        return ["", "", "", ""]
    minutes = "" if late.minutes_late is None else str(late.minutes_late)
    return [late.submitted_at or "", minutes, number(late.percent), number(late.score_before)]


def write_grades_csv(results: Sequence[Result], results_dir: Path, options: ExportOptions = DEFAULT_OPTIONS) -> Path:
    """``grades.csv``: one row per submission, points per item id."""
    item_ids = _item_ids(results)
    dated = any(r.late is not None for r in results)  # graded with --due: how the total was reached
    rows = [["student", "submission", "status", "score", "max_score", *item_ids, *(LATE_COLUMNS if dated else ())]]
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
                *(_late_cells(result) if dated else ()),
            ]
        )
    return write_text_atomic(results_dir / "grades.csv", csv_text(rows), mode=SHARED)
