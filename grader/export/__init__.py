"""Results out to gradebooks and CI: CSV, Canvas, Moodle, Gradescope, JUnit."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import ConfigError
from ..models.results import Result
from .gradescope import gradescope_results, write_gradescope
from .junit import write_junit
from .results_file import (
    read_results,
    read_results_with_language,
    result_from_json,
    result_to_json,
)
from .spreadsheets import write_canvas_csv, write_grades_csv, write_moodle_csv

Exporter = Callable[[Sequence[Result], Path, str], Path]
"""(results, folder, language of the text) -> the file or folder written."""

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


def export_results(results_dir: Path, fmt: str, lang: str | None = None) -> Path:
    """Write ``results_dir/results.jsonl`` in format ``fmt``, its text in ``lang`` (default: the
    language the results were written in); returns the file (or folder)."""
    exporter = exporter_for(fmt)
    read = read_results_with_language(Path(results_dir))
    chosen = lang or (read[0][1] if read else "en")
    return exporter([result for result, _ in read], Path(results_dir), chosen)


__all__ = [
    "FORMATS",
    "export_results",
    "exporter_for",
    "gradescope_results",
    "read_results",
    "result_from_json",
    "result_to_json",
]
