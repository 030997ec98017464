"""Gradescope autograder ``results.json``: the file Gradescope reads after ``run_autograder``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..fileio import write_text_atomic
from ..i18n import feedback_text, title_text
from ..models.results import Result
from .options import DEFAULT_OPTIONS, ExportOptions
from .summary import feedback_digest, file_stem, student_key

GRADESCOPE_DIR = "gradescope"
GRADESCOPE_FILE = "results.json"


def gradescope_results(result: Result, lang: str = "en") -> dict[str, Any]:
    """One submission in Gradescope's format: total score, overall output, one test per item."""
    return {
        "score": round(result.score, 4),
        "execution_time": round(result.duration_s, 3),
        "output": feedback_digest(result, lang),
        "tests": [
            {
                "name": title_text(item, lang) or item.id,
                "number": item.id,
                "score": round(item.points, 4),
                "max_score": item.max_points,
                "status": "passed" if item.passed else "failed",
                "output": feedback_text(item, lang),
                "visibility": item.visibility,
            }
            for item in result.items
        ],
    }


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_gradescope(results: Sequence[Result], results_dir: Path, options: ExportOptions = DEFAULT_OPTIONS) -> Path:
    """Gradescope results for each submission; returns the file or the folder written.

    A single submission goes to ``results_dir/results.json``, where Gradescope looks when
    ``results_dir`` is ``/autograder/results``; several go to ``results_dir/gradescope/``,
    one ``<student>.json`` each.
    """
    lang = options.lang
    if len(results) == 1:
        only = gradescope_results(results[0], lang)
        return write_text_atomic(results_dir / GRADESCOPE_FILE, _dump(only))
    folder = results_dir / GRADESCOPE_DIR
    used: set[str] = set()
    for result in results:
        stem = file_stem(student_key(result))
        name, suffix = stem, 2
        while name in used:  # two submissions of one student keep both files
            name, suffix = f"{stem}-{suffix}", suffix + 1
        used.add(name)
        write_text_atomic(folder / f"{name}.json", _dump(gradescope_results(result, lang)))
    return folder
