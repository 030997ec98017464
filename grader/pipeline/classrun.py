"""Grading a class into its gradebook: what must be graded, what is reused, and every result
kept the moment it exists.

:func:`open_class_run` registers each submission (its content hash, its student, when it was
handed in), marks a student's earlier submissions superseded, and takes back the result of each
submission unchanged since it was graded (same content, rubric, grader version and settings):
those are neither executed nor scored again.  :meth:`ClassRun.graded` is the ``on_graded``
callback of :func:`~grader.pipeline.grade.grade_jobs`: it writes the submission's JSON and HTML,
commits the result, and rewrites ``results.jsonl`` and the class page (atomically, at most every
few seconds; :meth:`ClassRun.finish` writes them a last time).
"""

from __future__ import annotations

import hashlib
import json
import stat
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC
from pathlib import Path

from .. import __version__
from ..export.results_file import override_to_json
from ..gradebook import Gradebook, RunKey, SubmissionInfo, superseded
from ..models.results import Result
from ..models.rubric import Rubric
from ..models.submission import Submission
from ..scoring.late import late_removed
from ..scoring.overrides import apply_overrides, machine_result
from .grade import Graded, _run_settings
from .lateness import DueTime, final_total
from .outputs import CLASS_PAGE, write_class_outputs, write_submission_outputs
from .plan import Job
from .settings import GradeSettings

CLASS_PAGE_EVERY_S = 3.0
"""The class page and ``results.jsonl`` are rewritten at most this often while results arrive."""


def _sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def _regular_bytes(path: Path) -> bytes:
    """A regular file's bytes; for anything else (a FIFO would never end, a link leads
    elsewhere, a device) only what it is."""
    try:
        info = path.lstat()
    except OSError as exc:
        return f"unreadable:{exc.strerror}".encode()
    if not stat.S_ISREG(info.st_mode):
        return f"not a regular file:{stat.S_IFMT(info.st_mode)}".encode()
    try:
        return path.read_bytes()
    except OSError as exc:
        return f"unreadable:{exc.strerror}".encode()


def file_hash(submission: Submission) -> str:
    """SHA-256 of the notebook's bytes and of each file handed in beside it (with its name), and
    of why it cannot be graded, if it cannot."""
    parts = [_regular_bytes(submission.content), (submission.problem or "").encode()]
    for sibling in sorted(submission.siblings):
        parts += [sibling.name.encode(), _regular_bytes(sibling)]
    return _sha(*parts)


def rubric_hash(rubric: Rubric) -> str:
    """SHA-256 of the rubric as loaded, and of its instructor test files."""
    # the late policy changes no check: a new one is applied to kept results, nothing is re-run
    parts = [rubric.model_dump_json(by_alias=True, exclude={"late"}).encode()]
    for item in rubric.items:
        test = item.params.get("file") if item.check == "test" else None
        if test:
            path = Path(str(test))
            parts.append(path.read_bytes() if path.is_file() else str(test).encode())
    return _sha(*parts)


def run_key(settings: GradeSettings) -> RunKey:
    """The rubric, grader version and settings a result was graded under."""
    env = settings.environment
    name = "own" if env is None else f"{env.info.name}-{env.info.spec_hash}"
    around = _sha(json.dumps(_run_settings(settings), sort_keys=True, default=str).encode())[:16]
    return RunKey(
        rubric=settings.rubric.name,
        rubric_hash=rubric_hash(settings.rubric),
        rubric_version=settings.rubric.schema_version,
        grader_version=__version__,
        environment=f"{name}{'+sandbox' if settings.sandboxed else ''} settings:{around}",
    )


def submission_info(job: Job) -> SubmissionInfo:
    """What the gradebook keeps of a job's submission."""
    submission = job.submission
    try:
        mtime: float | None = submission.content.stat().st_mtime
    except OSError:
        mtime = None
    submitted = submission.submitted_at
    return SubmissionInfo(
        display=submission.display,
        stem=job.stem,
        student=submission.student,
        file_hash=file_hash(submission),
        lms_timestamp=None if submitted is None else submitted.astimezone(UTC).replace(tzinfo=None),  # UTC
        file_mtime=mtime,
    )


@dataclass
class ClassRun:
    """A class being graded: its jobs, their ids in the gradebook, the results so far."""

    book: Gradebook
    jobs: list[Job]
    out_dir: Path
    lang: str
    ids: list[int]
    keys: list[RunKey]
    superseded: set[int]
    """Indices of the jobs a later submission of the same student replaces (graded, not counted)."""
    student_view: bool = False
    """Each student's own report (``<stem>.student.html``) written beside the instructor's."""
    due: DueTime | None = None
    """``--due``: the late penalty on each total (None: none, and an earlier one taken back)."""
    results: dict[int, Result] = field(default_factory=dict)
    reused: set[int] = field(default_factory=set)
    every_s: float = CLASS_PAGE_EVERY_S
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _written_at: float = 0.0

    @property
    def pending(self) -> list[int]:
        """Indices of the jobs still to grade, in order."""
        return [i for i in range(len(self.jobs)) if i not in self.results]

    def final(self, index: int, job: Job, result: Result) -> Result:
        """A result as it counts: the instructor's overrides the gradebook holds for that
        submission on its items, then the late penalty (``--due``) on the total."""
        machine = late_removed(result)
        held = apply_overrides(machine, self.book.held_overrides(self.ids[index], self.keys[index].rubric))
        return final_total(held, job.submission, job.settings.rubric, self.due)

    def graded(self, index: int, job: Job, done: Graded) -> None:
        """Keep one result: its reports (overrides and late penalty applied), then the gradebook
        (the machine's result, committed), then the class page when the last one is old enough.
        A grader fault is kept too, but never reused."""
        adjusted = self.final(index, job, done.result)
        write_submission_outputs(
            replace(done, result=adjusted), self.out_dir, job.stem, self.lang, student_view=self.student_view
        )
        self.book.record(self.ids[index], self.keys[index], machine_result(late_removed(done.result)))
        with self._lock:
            self.results[index] = adjusted
            due = time.monotonic() - self._written_at >= self.every_s
        if due:
            self.write_class()

    def counted(self) -> list[tuple[Result, str]]:
        """(result, report stem) of each graded submission that counts, in the jobs' order."""
        with self._lock:
            ready = dict(self.results)
        return [(ready[i], self.jobs[i].stem) for i in sorted(ready) if i not in self.superseded]

    def write_class(self) -> Path:
        """``results.jsonl`` and the class page, from every result so far (atomically)."""
        with self._lock:
            self._written_at = time.monotonic()
        return write_class_outputs(self.counted(), self.out_dir, self.lang)

    def finish(self, *, interrupted: bool = False) -> Path:
        """The class outputs a last time; an interruption noted in the history."""
        if interrupted:
            self.book.note("interrupted", detail=f"{len(self.results)} of {len(self.jobs)} graded")
        return self.write_class() if self.results else self.out_dir / CLASS_PAGE


def _shown_differs(report: Path, result: Result) -> bool:
    """Whether the report's JSON shows other overrides, another total or another late penalty
    than the result as it counts now (an override recorded while its report could not be
    written, another ``--due``): then its reports are written again."""
    try:
        shown = json.loads(report.read_text(encoding="utf-8"))
        held = [i.get("override") for i in shown["items"]]
        late = (shown.get("late") or {}).get("penalty_percent")
        score = float(shown["score"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return True
    now = [None if i.override is None else override_to_json(i.override) for i in result.items]
    percent = None if result.late is None else result.late.percent
    return held != now or late != percent or abs(score - round(result.score, 4)) > 1e-9


def open_class_run(
    book: Gradebook,
    jobs: list[Job],
    out_dir: Path,
    lang: str,
    *,
    student_view: bool = False,
    due: DueTime | None = None,
) -> ClassRun:
    """Register the jobs in ``book`` and take back every result that needs no grading."""
    infos = [submission_info(job) for job in jobs]
    ids = [book.register(info) for info in infos]
    keys_by_settings: dict[int, RunKey] = {}
    for job in jobs:  # one per rubric
        if id(job.settings) not in keys_by_settings:
            keys_by_settings[id(job.settings)] = run_key(job.settings)
    keys = [keys_by_settings[id(job.settings)] for job in jobs]
    gone = superseded(
        [(i, job.settings.rubric.name, info) for i, (job, info) in enumerate(zip(jobs, infos, strict=True))]
    )
    book.mark_superseded([ids[i] for i in gone], [ids[i] for i in range(len(jobs)) if i not in gone])
    run = ClassRun(book, jobs, out_dir, lang, ids, keys, gone, student_view, due)
    for index, job in enumerate(jobs):
        kept = book.previous(ids[index], keys[index])
        if kept is None:
            continue
        adjusted = run.final(index, job, kept)  # overrides held now, this run's --due (or none)
        run.results[index] = adjusted
        run.reused.add(index)
        book.note("reused", ids[index])
        lost = not (out_dir / f"{job.stem}.json").exists()  # the gradebook kept it; its report was lost
        if (
            lost
            or _shown_differs(out_dir / f"{job.stem}.json", adjusted)
            or (student_view and not (out_dir / f"{job.stem}.student.html").exists())
        ):
            write_submission_outputs(Graded(adjusted, None), out_dir, job.stem, lang, student_view=student_view)
    return run
