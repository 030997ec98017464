"""What a submission report shows, decided once for the HTML page and the terminal alike.

Student view: hidden items disappear together with their points, so the totals a student
sees are the totals of what they can see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath

from ..i18n import feedback_text, note_texts, render, title_text
from ..models import cells as cell_names
from ..models.cells import code_cell_number
from ..models.evidence import Evidence
from ..models.execution import CellRun
from ..models.lms import moodle_participant
from ..models.results import CellResult, ItemResult, Result

# A cell error can hold a whole traceback; one line is what names the failure.
ERROR_LINE_LIMIT = 240
SOURCE_LINE_LIMIT = 100


@dataclass(frozen=True)
class CellProblem:
    """A cell that failed or hit its limit, shortened for the reader."""

    index: int
    """The cell's position in the notebook file, as the result JSON gives it."""
    number: int
    """The cell as the student sees it: its number among the code cells."""
    status: str
    error: str
    source: str
    """The cell's first line of code, so the student can find the cell."""


@dataclass(frozen=True)
class NotRun:
    """Cells that never ran because the kernel died or time ran out."""

    count: int
    first: int
    """The first cell that did not run, numbered among the code cells."""


def first_line(text: str | None, limit: int = ERROR_LINE_LIMIT) -> str:
    """The first non-blank line of ``text``, cut to ``limit`` characters."""
    return cell_names.first_line(text, limit)


@dataclass(frozen=True)
class ShownItem:
    """One scored item as a reader sees it: its words rendered in the reader's language."""

    id: str
    check: str
    title: str
    feedback: str
    points: float
    max_points: float
    passed: bool
    evidence: dict[str, object]
    visibility: str
    required: bool
    judged: bool = True
    needs_review: bool = False
    overridden: bool = False
    """The instructor set its points (the feedback says from what, and why)."""


def shown_item(item: ItemResult, lang: str) -> ShownItem:
    """``item`` with its title and feedback rendered in ``lang``."""
    return ShownItem(
        id=item.id,
        check=item.check,
        title=title_text(item, lang),
        feedback=feedback_text(item, lang),
        points=item.points,
        max_points=item.max_points,
        passed=item.passed,
        evidence=item.evidence,
        visibility=item.visibility,
        required=item.required,
        judged=item.judged,
        needs_review=item.needs_review,
        overridden=item.override is not None,
    )


def shown_items(result: Result, student_view: bool, lang: str = "en") -> tuple[ShownItem, ...]:
    """The items a reader sees (all of them, or only visible ones for a student), rendered in ``lang``."""
    return tuple(shown_item(i, lang) for i in result.items if not student_view or i.visibility != "hidden")


def shown_totals(result: Result, student_view: bool) -> tuple[float, float]:
    """Score and maximum to display; hidden items' points are taken out in student view."""
    if not student_view:
        return result.score, result.max_score
    hidden = [i for i in result.items if i.visibility == "hidden"]
    before = result.score if result.late is None else result.late.score_before
    score = max(0.0, before - sum(i.points for i in hidden))
    if result.late is not None:  # the late penalty is a share of the total: the same share of what is shown
        score = max(0.0, round(score * (1 - result.late.percent / 100), 4))
    maximum = result.max_score - sum(i.max_points for i in hidden)
    return score, max(0.0, maximum)


def score_fraction(score: float, maximum: float) -> float:
    """Score as a share of the maximum, 0..1 (0 when there is nothing to earn)."""
    return min(1.0, max(0.0, score / maximum)) if maximum > 0 else 0.0


def status_text(status: str, words: Mapping[str, str]) -> str:
    """The submission status in words."""
    return words.get(f"status_{status}", status)


def student_name(result: Result, words: Mapping[str, str]) -> str:
    """Who handed it in, as the instructor knows them: the full name of a Moodle download,
    else the student id the LMS file name carried, else the notebook's own file name (a folder
    of notebooks named after their authors); a placeholder only when there is no name at all."""
    participant = moodle_participant(result.submission)
    if participant is not None:
        return participant.full_name
    return result.student or submission_name(result.submission) or words["unknown_student"]


def submission_name(submission: str, folders: int = 0) -> str:
    """The notebook's file name without its suffix, with ``folders`` of the folders above it
    (to tell apart notebooks of the same name): ``a/b/hw.ipynb`` with 1 gives ``b/hw``."""
    path = PurePath(submission.replace("\\", "/"))
    if not path.name:
        return ""
    parts = [p for p in path.parent.parts[-folders:] if p not in ("/", ".")] if folders else []
    return "/".join([*parts, path.stem])


def first_code_line(source: str, limit: int = SOURCE_LINE_LIMIT) -> str:
    """The first line of a cell that is code, not a comment (else its first line at all)."""
    return cell_names.first_code_line(source, limit)


def _sources(evidence: Evidence | None) -> dict[int, str]:
    if evidence is None:
        return {}
    return {out.index: first_code_line(out.source) for out in evidence.outputs}


def _cells(result: Result, evidence: Evidence | None) -> tuple[CellResult | CellRun, ...]:
    # The result's cells are authoritative; a result built before scoring may carry none.
    if result.cells:
        return result.cells
    return evidence.cells if evidence is not None else ()


def cell_problems(result: Result, evidence: Evidence | None) -> list[CellProblem]:
    """Cells that raised or timed out, in notebook order, each with its first error line."""
    cells = sorted(_cells(result, evidence), key=lambda c: c.index)
    sources = _sources(evidence)
    return [
        CellProblem(
            index=c.index,
            number=code_cell_number(cells, c.index) or 0,
            status=c.status,
            error=first_line(c.error),
            source=sources.get(c.index, ""),
        )
        for c in cells
        if c.status in ("error", "timeout")
    ]


def cells_not_run(result: Result, evidence: Evidence | None) -> NotRun | None:
    """How many cells never ran, and the first of them; None when every cell ran."""
    cells = sorted(_cells(result, evidence), key=lambda c: c.index)
    skipped = [c.index for c in cells if c.status == "not_run"]
    return NotRun(count=len(skipped), first=code_cell_number(cells, skipped[0]) or 0) if skipped else None


def notes_for(result: Result, evidence: Evidence | None, lang: str = "en") -> list[str]:
    """Things done on the student's behalf, rendered in ``lang``.

    Raw evidence notes are codes; they are listed only when the result carries no rendered
    notes, so that a partial run still says what the grader did.
    """
    if result.notes:
        return note_texts(result, lang)
    if evidence is None:
        return []
    return [note.code + (f" ({_details(note.detail)})" if note.detail else "") for note in evidence.notes]


def _details(detail: Mapping[str, object]) -> str:
    return ", ".join(f"{key}={value}" for key, value in detail.items())


def gap_texts(result: Result, lang: str = "en") -> list[str]:
    """One line per environment gap (a package or API the grading environment lacks), in ``lang``."""
    return [render(gap.message(), lang) for gap in result.environment_gaps]
