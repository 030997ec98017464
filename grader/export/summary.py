"""Plain-text pieces shared by the exporters: numbers, student keys, a feedback digest."""

from __future__ import annotations

import re
from pathlib import PurePath

from ..i18n import feedback_text, labels, late_text, note_texts, title_text
from ..models.results import Result

# Cells a spreadsheet would run as a formula (CSV injection): student ids come from file names.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def number(value: float) -> str:
    """A score for a machine: "10", "7.5" (a dot, no needless ".0")."""
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def spreadsheet_text(text: str) -> str:
    """Text that a spreadsheet shows as text, never evaluates as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def student_key(result: Result) -> str:
    """Who a result belongs to: the student id, else the submission's file name."""
    return result.student or PurePath(result.submission).stem or result.submission


def file_stem(text: str) -> str:
    """``text`` reduced to characters that are safe in a file name on every system."""
    return re.sub(r"[^\w.-]+", "_", text).strip("._") or "submission"


def status_line(result: Result) -> str:
    """The status and, when there is one, its reason."""
    return f"{result.status}: {result.reason}" if result.reason else result.status


def feedback_digest(result: Result, lang: str = "en") -> str:
    """What a student may read in an LMS: status, the late penalty, visible items with verdicts,
    failed cells."""
    lines = [status_line(result)]
    late = late_text(result.late, lang)
    if late:
        lines.append(late)
    for item in result.items:
        if item.visibility == "hidden":
            continue
        mark = "✓" if item.passed else "✗"
        line = f"{mark} {title_text(item, lang)} ({number(item.points)}/{number(item.max_points)})"
        feedback = feedback_text(item, lang)
        shown = feedback and (not item.passed or item.override is not None)  # the instructor's comment too
        lines.append(f"{line}: {feedback}" if shown else line)
    for position, cell in enumerate(result.cells, start=1):  # numbered as Jupyter numbers code cells
        if cell.status in ("error", "timeout") and cell.error:
            where = labels(lang)["cell_number"].format(index=position)
            lines.append(f"{where}: {cell.error.strip().splitlines()[0]}")
    lines.extend(note_texts(result, lang))
    return "\n".join(lines)
