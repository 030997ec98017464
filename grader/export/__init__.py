"""Results out to gradebooks and CI: CSV, Canvas, Moodle, Gradescope, JUnit."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ConfigError
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

Exporter = Callable[[Sequence[Result], Path, ExportOptions], Path]
"""(results, folder, options) -> the file or folder written."""

FORMATS: dict[str, Exporter] = {
    "csv": write_grades_csv,
    "canvas": write_canvas_csv,
    "moodle": write_moodle_csv,
    "gradescope": write_gradescope,
    "junit": write_junit,
}


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
) -> Path:
    """Write ``results_dir/results.jsonl`` in format ``fmt``, its text in ``lang`` (default: the
    language the results were written in); returns the file (or folder).  What the export could
    not do is said through ``warn``, one line each."""
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
    return exporter([result for result, _ in read], folder, options)


__all__ = [
    "FORMATS",
    "ExportOptions",
    "export_results",
    "exporter_for",
    "gradescope_results",
    "read_results",
    "result_from_json",
    "result_to_json",
]
