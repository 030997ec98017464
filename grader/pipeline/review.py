"""Manual review of a graded folder: what needs a person, and an instructor's decision on one item.

:func:`review_rows` lists what the grader could not settle alone: submissions it could not grade
(status other than ``graded``), items that need review, failed items it could not judge (their
evidence absent: the grader's low-confidence failures, as it carries no confidence number), and
every override already made.  :func:`override_item` records an instructor's points for one item
in the folder's gradebook and at once writes that submission's JSON and reports, ``results.jsonl``
and the class page again (through :mod:`.outputs`, the overrides applied by
:func:`~grader.scoring.overrides.apply_overrides`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ConfigError
from ..export.results_file import result_from_json, result_language
from ..gradebook import Gradebook
from ..i18n import labels, render
from ..models.results import ItemResult, Result
from ..report.view import first_line, student_name
from .grade import Graded
from .outputs import (
    RUN_FOLDER,
    STUDENT_REPORT,
    evidence_again,
    folder_gradebook,
    graded_files,
    with_held_overrides,
    write_class_outputs,
    write_submission_outputs,
)


@dataclass(frozen=True)
class GradedReport:
    """One submission's result as the folder holds it (its JSON), under its report stem."""

    stem: str
    result: Result
    lang: str
    superseded: bool
    run_folder: object = None
    environment: object = None

    @property
    def student(self) -> str:
        """Who handed it in, as the class page shows them."""
        return student_name(self.result, labels(self.lang))


@dataclass(frozen=True)
class ReviewRow:
    """One thing for a person to look at: a whole submission (``item`` empty) or one item."""

    student: str
    stem: str
    rubric: str
    item: str
    points: float | None
    max_points: float | None
    why: str
    override: ItemResult | None = None
    """The item as overridden, when an override holds on it."""


def graded_reports(out_dir: Path, book: Gradebook | None) -> list[GradedReport]:
    """Every result JSON of a graded folder (its overrides applied); a folder with none is an error."""
    files = graded_files(out_dir) if out_dir.is_dir() else []
    if not files:
        raise ConfigError(f"{out_dir}: not a graded folder (no result JSON; run 'grader grade ... --out {out_dir}')")
    superseded = set() if book is None else book.superseded_stems()
    return [
        GradedReport(
            path.stem,
            with_held_overrides(result_from_json(data), book),
            result_language(data),
            path.stem in superseded,
            data.get(RUN_FOLDER),
            data.get("environment"),
        )
        for path, data in files
    ]


def _needs_a_person(item: ItemResult) -> bool:
    return item.override is not None or item.needs_review or (not item.passed and not item.judged)


def review_rows(
    out_dir: Path, rubric: str | None = None, lang: str = "en", *, db: str | None = None
) -> list[ReviewRow]:
    """What needs a person in a graded folder, submission by submission (superseded ones left
    out); ``db``: the gradebook when it is not the folder's own."""
    with folder_gradebook(out_dir, db) as book:
        reports = graded_reports(out_dir, book)
    rubrics = sorted({r.result.rubric for r in reports})
    if rubric is not None and rubric not in rubrics:
        raise ConfigError(f"--rubric {rubric}: no submission graded with it here (graded: {', '.join(rubrics)})")
    rows = []
    for report in reports:
        result = report.result
        if report.superseded or (rubric is not None and result.rubric != rubric):
            continue
        who = student_name(result, labels(lang))
        if result.status != "graded":
            why = result.reason or labels(lang).get(f"status_{result.status}", result.status)
            rows.append(ReviewRow(who, report.stem, result.rubric, "", None, None, first_line(why)))
        for item in result.items:
            if not _needs_a_person(item) or (result.status != "graded" and item.override is None):
                continue  # an ungraded submission is one row, not one per item
            why = " ".join(render(m, lang) for m in item.messages)
            held = item if item.override is not None else None
            rows.append(
                ReviewRow(who, report.stem, result.rubric, item.id, item.points, item.max_points, first_line(why), held)
            )
    return rows


def _names(report: GradedReport) -> set[str]:
    result = report.result
    names = {report.stem, result.submission, Path(result.submission).name, report.student}
    if result.student:
        names.add(result.student)
    return {n.casefold() for n in names if n}


def find_report(reports: list[GradedReport], student: str, rubric: str | None = None) -> GradedReport:
    """The submission ``student`` names (a student id or name as shown, a report stem, the
    submission's path), of ``rubric`` when given; the counted one over superseded ones."""
    wanted = student.casefold()
    found = [r for r in reports if wanted in _names(r) or _same_path(student, r.result.submission)]
    if rubric is not None:
        found = [r for r in found if r.result.rubric == rubric]
    if not found:
        known = sorted({n for r in reports for n in (r.stem, r.student)})
        containing = [n for n in known if wanted in n.casefold()]
        close = list(dict.fromkeys(containing + difflib.get_close_matches(student, known, n=3, cutoff=0.5)))[:3]
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else " (see 'grader review')"
        where = f" for rubric '{rubric}'" if rubric else ""
        raise ConfigError(f"no graded submission of '{student}'{where}{hint}")
    counted = [r for r in found if not r.superseded]
    if len(counted) == 1:
        return counted[0]
    if len(found) == 1:
        return found[0]
    choices = ", ".join(f"{r.stem} ({r.result.rubric})" for r in found)
    raise ConfigError(f"'{student}' names {len(found)} submissions: {choices}; give --rubric or the report stem")


def _same_path(given: str, submission: str) -> bool:
    try:
        return Path(given).resolve() == Path(submission).resolve()
    except (OSError, ValueError):
        return False


def _item_of(result: Result, item_id: str) -> ItemResult:
    for item in result.items:
        if item.id == item_id:
            return item
    ids = [i.id for i in result.items]
    close = difflib.get_close_matches(item_id, ids, n=3, cutoff=0.5)
    listed = ", ".join(close or ids)
    hint = f"did you mean {listed}?" if close else f"its items: {listed}"
    raise ConfigError(f"no item '{item_id}' in rubric '{result.rubric}'; {hint}")


def override_item(
    out_dir: Path,
    student: str,
    item_id: str,
    points: float | None,
    *,
    comment: str | None = None,
    author: str | None = None,
    rubric: str | None = None,
    db: str | None = None,
) -> tuple[GradedReport, ItemResult]:
    """Record (``points``) or withdraw (None) an instructor's override of one item, then write
    that submission's outputs and the class's again.  Returns the submission and the item as
    they now stand."""
    with folder_gradebook(out_dir, db) as book:
        reports = graded_reports(out_dir, book)
        if book is None:
            raise ConfigError(f"{out_dir}: no gradebook.sqlite here (graded with --db? give the same --db)")
        report = find_report(reports, student, rubric)
        result = report.result
        item = _item_of(result, item_id)
        if points is None:
            if not book.remove_override(result.submission, result.rubric, item_id):
                raise ConfigError(f"{report.stem}: no override of '{item_id}' to withdraw")
        elif not 0 <= points <= item.max_points:
            raise ConfigError(f"--points {points:g}: '{item_id}' is worth 0 to {item.max_points:g} points")
        else:
            book.record_override(result.submission, result.rubric, item_id, points, comment=comment, author=author)
        adjusted = with_held_overrides(result, book)
    _write_again(out_dir, report, adjusted, reports)
    return replace(report, result=adjusted), _item_of(adjusted, item_id)


def _write_again(out_dir: Path, report: GradedReport, adjusted: Result, reports: list[GradedReport]) -> None:
    """The submission's JSON and reports (the student's too where one was written), then
    ``results.jsonl`` and the class page, in the language the folder was graded in."""
    evidence, workspace = evidence_again(report.run_folder, report.environment)
    students = (out_dir / f"{report.stem}{STUDENT_REPORT}").exists()
    graded = Graded(adjusted, evidence, workspace=workspace)
    write_submission_outputs(graded, out_dir, report.stem, report.lang, student_view=students)
    counted = [(adjusted if r.stem == report.stem else r.result, r.stem) for r in reports if not r.superseded]
    write_class_outputs(counted, out_dir, report.lang)
