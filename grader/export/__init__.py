"""Results out to gradebooks and CI: CSV, Canvas, Moodle, Gradescope, JUnit."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ConfigError
from ..fileio import make_shared_dir
from ..models.results import Result
from .canvas import write_canvas_csv
from .gradescope import gradescope_results, write_gradescope
from .junit import write_junit
from .moodle import write_moodle_csv
from .options import ExportOptions
from .results_file import (
    RESULTS_FILE,
    read_results,
    read_results_with_language,
    result_from_json,
    result_to_json,
)
from .spreadsheets import write_grades_csv
from .summary import file_stem

Exporter = Callable[[Sequence[Result], Path, ExportOptions], Path]
"""(results, folder, options) -> the file or folder written."""

FORMATS: dict[str, Exporter] = {
    "csv": write_grades_csv,
    "canvas": write_canvas_csv,
    "moodle": write_moodle_csv,
    "gradescope": write_gradescope,
    "junit": write_junit,
}

WHERE: dict[str, str] = {
    "csv": "grades.csv: a row per submission, points per rubric item",
    "canvas": "canvas.csv: Canvas Grades > Import (give --assignment-id to fill an existing assignment)",
    "moodle": "moodle.csv: Moodle assignment > Upload grading worksheet (rows matched on 'Participant N')",
    "gradescope": "gradescope/: setup.sh and run_autograder, to zip with the grader's wheel for Gradescope; "
    "gradescope_results/: each submission's results.json as graded here",
    "junit": "junit.xml: JUnit XML as Jenkins reads it, a testsuite per submission",
}
"""Where each format's file goes, inside the results folder, and what reads it."""

PER_RUBRIC_DIR = "by-rubric"


def formats_help() -> str:
    """The formats and where each file goes, for ``grader export --help``."""
    lines = [f"  {name:<11} {WHERE[name]}" for name in FORMATS]
    return "\n".join(
        [
            "formats (each written into DIR):",
            *lines,
            f"results of several rubrics: one export per rubric, in DIR/{PER_RUBRIC_DIR}/<rubric>/",
        ]
    )


def exporter_for(fmt: str) -> Exporter:
    """The writer of one format; an unknown name gets a "did you mean" hint."""
    try:
        return FORMATS[fmt]
    except KeyError:
        close = difflib.get_close_matches(fmt.lower(), FORMATS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ConfigError(f"unknown export format '{fmt}'{hint} (choose from {', '.join(FORMATS)})") from None


def export_results(
    results_dir: Path,
    fmt: str,
    lang: str | None = None,
    *,
    assignment_id: int | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write ``results_dir/results.jsonl`` in format ``fmt``, its text in ``lang`` (default: the
    language the results were written in); returns the files (or folders) written: one, or one
    per rubric in ``results_dir/by-rubric/<rubric>/`` when the results hold several rubrics.
    What the export could not do is said through ``warn``, one line each."""
    exporter = exporter_for(fmt)
    folder = Path(results_dir)
    read = read_results_with_language(folder)
    graded = datetime.fromtimestamp((folder / RESULTS_FILE).stat().st_mtime, UTC).replace(microsecond=0)
    options = ExportOptions(
        lang=lang or (read[0][1] if read else "en"),
        assignment_id=assignment_id,
        graded_at=graded,
        **({"warn": warn} if warn is not None else {}),
    )
    results = [result for result, _ in read]
    rubrics = list(dict.fromkeys(r.rubric for r in results))
    if len(rubrics) <= 1:
        return [exporter(results, folder, options)]
    if assignment_id is not None:
        raise ConfigError(
            f"--assignment-id {assignment_id} names one assignment but {folder} holds {len(rubrics)} rubrics "
            f"({', '.join(rubrics)}): export each rubric's results on its own"
        )
    written = []
    for rubric in rubrics:
        target = folder / PER_RUBRIC_DIR / file_stem(rubric)
        make_shared_dir(target)
        written.append(exporter([r for r in results if r.rubric == rubric], target, options))
    return written


__all__ = [
    "FORMATS",
    "PER_RUBRIC_DIR",
    "WHERE",
    "ExportOptions",
    "export_results",
    "exporter_for",
    "formats_help",
    "gradescope_results",
    "read_results",
    "result_from_json",
    "result_to_json",
]
