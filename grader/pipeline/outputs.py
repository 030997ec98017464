"""Writing what grading produced: one JSON and one HTML report per submission (the moment it
is graded), ``results.jsonl`` and the class page; and rendering a graded folder again.

Every file here is written ``SHARED`` (0644): the instructor's group and a web server read them.
With ``student_view`` each submission also gets ``<stem>.student.html`` beside the
instructor's ``<stem>.html``: the student-facing report, hidden items left out."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import load_run
from ..errors import ConfigError
from ..evidence import build_evidence
from ..execute import host_path_mapper
from ..execute.workspace import Workspace
from ..export.results_file import RESULTS_FILE, result_from_json, result_to_json
from ..fileio import SHARED, write_json_atomic, write_text_atomic
from ..models.evidence import Evidence
from ..models.results import Result
from ..report import render_class_html, render_submission_html
from ..scoring.late import late_kept, late_removed
from ..scoring.overrides import apply_overrides
from .grade import Graded
from .reevaluation import environment_recorded, reevaluator

if TYPE_CHECKING:
    from ..gradebook import Gradebook

CLASS_PAGE = "index.html"
STUDENT_REPORT = ".student.html"
"""Suffix of a student-facing report, beside the instructor's ``<stem>.html``."""
RUN_FOLDER = "run_folder"
"""Key of the result JSON (an instructor's file) naming the run's folder, to render it again."""
_write_lock = threading.Lock()


def write_submission_outputs(
    graded: Graded, out_dir: Path, stem: str, lang: str, *, student_view: bool = False
) -> None:
    """``<stem>.json`` and ``<stem>.html`` for one graded submission (and, with
    ``student_view``, ``<stem>.student.html`` without the hidden items)."""
    data = result_to_json(graded.result, lang)
    if graded.workspace is not None:
        data[RUN_FOLDER] = str(graded.workspace.root)
    html = render_submission_html(graded.result, graded.evidence, lang=lang)
    student = (
        render_submission_html(graded.result, graded.evidence, lang=lang, student_view=True) if student_view else ""
    )
    with _write_lock:
        write_json_atomic(out_dir / f"{stem}.json", data, indent=1, mode=SHARED)
        write_text_atomic(out_dir / f"{stem}.html", html, mode=SHARED)
        if student:
            write_text_atomic(out_dir / f"{stem}{STUDENT_REPORT}", student, mode=SHARED)


def write_class_outputs(results: Sequence[tuple[Result, str]], out_dir: Path, lang: str) -> Path:
    """``results.jsonl`` and the class page from (result, report stem) pairs; returns the page."""
    lines = [json.dumps(result_to_json(result, lang), ensure_ascii=False) for result, _ in results]
    links = {result.submission: f"{stem}.html" for result, stem in results}
    # a student-facing report is linked wherever one was written (this run or an earlier one)
    student_links = {
        r.submission: f"{stem}{STUDENT_REPORT}" for r, stem in results if (out_dir / f"{stem}{STUDENT_REPORT}").exists()
    }
    write_text_atomic(out_dir / RESULTS_FILE, "\n".join(lines) + "\n", mode=SHARED)
    page = out_dir / CLASS_PAGE
    html = render_class_html([r for r, _ in results], lang=lang, links=links, student_links=student_links)
    write_text_atomic(page, html, mode=SHARED)
    return page


def graded_files(out_dir: Path) -> list[tuple[Path, dict[str, object]]]:
    """The result JSON files of a graded folder (path, data), by name."""
    found = []
    for path in sorted(out_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(data, dict) and "schema" in data and "items" in data and "submission" in data:
            found.append((path, data))
    return found


def evidence_again(folder: object, environment: object) -> tuple[Evidence | None, Workspace | None]:
    """The evidence of a kept run, its models re-evaluated in the environment the result recorded
    (the grader's own when it is no longer built here), sandboxed where the sandbox works."""
    if not isinstance(folder, str):
        return None, None
    found = load_run(Path(folder))
    if found is None:
        return None, None
    outcome, workspace = found
    from ..sandbox import sandbox_available

    built = environment_recorded(environment if isinstance(environment, dict) else None)
    with reevaluator(built, workspace.root, sandbox_available()[0]) as models:
        return build_evidence(outcome, host_path_mapper(workspace), models), workspace


@contextmanager
def folder_gradebook(out_dir: Path, db: str | None = None) -> Iterator[Gradebook | None]:
    """The graded folder's gradebook: ``db`` (``--db``: a URL or an SQLite file) when given, else
    its own ``gradebook.sqlite``; None when it has none (the database layer imported only then)."""
    from ..gradebook import DEFAULT_NAME as GRADEBOOK_FILE
    from ..gradebook import Gradebook, database_url

    if db is None and not (out_dir / GRADEBOOK_FILE).is_file():
        yield None
        return
    with Gradebook(database_url(db, out_dir)) as book:
        yield book


def with_held_overrides(result: Result, book: Gradebook | None) -> Result:
    """``result`` with the overrides the gradebook holds for it (as it is without a gradebook)."""
    if book is None:
        return result
    # the overrides go on the items before the late penalty, which is then taken off the new total
    held = apply_overrides(late_removed(result), book.held_overrides_named(result.submission, result.rubric))
    return late_kept(held, result.late)


def render_again(out_dir: Path, lang: str, *, student_view: bool = False) -> tuple[int, int]:
    """Re-render every report of a graded folder in ``lang`` without executing anything; the
    evidence is read again from each run's folder where it still exists.  Student-facing
    reports are written with ``student_view``, and rewritten wherever one already exists.
    Returns (reports rendered, of which with evidence)."""
    files = graded_files(out_dir)
    if not files:
        raise ConfigError(f"{out_dir}: no graded results here (run 'grader grade ... --out {out_dir}' first)")
    with folder_gradebook(out_dir) as book:
        return _render_files(files, book, out_dir, lang, student_view)


def _render_files(
    files: list[tuple[Path, dict[str, object]]], book: Gradebook | None, out_dir: Path, lang: str, student_view: bool
) -> tuple[int, int]:
    pairs, with_evidence = [], 0
    superseded = set() if book is None else book.superseded_stems()
    for path, data in files:
        result = with_held_overrides(result_from_json(data), book)
        evidence, workspace = evidence_again(data.get(RUN_FOLDER), data.get("environment"))
        with_evidence += evidence is not None
        students = student_view or (out_dir / f"{path.stem}{STUDENT_REPORT}").exists()
        write_submission_outputs(
            Graded(result, evidence, workspace=workspace), out_dir, path.stem, lang, student_view=students
        )
        if path.stem not in superseded:  # its report is rendered, but a later submission counts
            pairs.append((result, path.stem))
    write_class_outputs(pairs, out_dir, lang)
    return len(files), with_evidence
