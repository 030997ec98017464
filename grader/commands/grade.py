"""``grader grade SUBMISSIONS --out DIR``: grade a whole class into its gradebook, JSON and HTML reports.

Each result is committed to the gradebook (``DIR/gradebook.sqlite``, or ``--db URL``) and its
reports written the moment it exists; a rerun grades only what changed.  Ctrl-C or SIGTERM stops
cleanly (exit 130).  Exit 0: every submission graded, whatever the scores; 1: some could not be
graded (not a notebook, a timeout, a dead kernel); 3: the grader failed on some.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigError, GraderBug, GradingStopped
from ..execute.stop import request_stop, reset
from ..execute.threads import thread_share, usable_cores
from ..fileio import make_shared_dir
from ..gradebook import Gradebook, database_url
from ..models.rubric import Rubric
from ..pipeline import (
    Graded,
    GradeSettings,
    Job,
    cache_from,
    data_dir_from,
    environment_for,
    grade_jobs,
    open_jobs,
    parse_executor,
    sandbox_choice,
)
from ..pipeline.classrun import ClassRun, open_class_run
from ..pipeline.lateness import due_time, timed_jobs, unknown_time_warnings, worksheet_times
from ..report import gap_note
from .env import show_progress, warn
from .progress import progress_for
from .summary import summary_lines


def main(
    *,
    submissions: str,
    out: str,
    rubric: str | None = None,
    data_dir: str | None = None,
    lang: str = "en",
    workers: int | None = None,
    executor: str = "local",
    cache_dir: str | None = None,
    no_cache: bool = False,
    cache_max_size: str | None = None,
    no_sandbox: bool = False,
    env: str | None = None,
    db: str | None = None,
    student_view: bool = False,
    due: str | None = None,
    late_penalty: str | None = None,
    moodle_worksheet: str | None = None,
    moodle_timezone: str | None = None,
) -> int:
    """Grade every notebook found in ``submissions`` and write reports into ``out`` (with
    ``student_view``, each student's own report too: ``<stem>.student.html``; with ``due``, each
    total less the late penalty for the time the LMS says it was handed in)."""
    parse_executor(executor)  # a bad value is refused before any work
    deadline = due_time(due, late_penalty)
    moodle_times = worksheet_times(moodle_worksheet, moodle_timezone, warn)
    workers = usable_cores() if workers is None else workers
    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    sandboxed, warning = sandbox_choice(required=True, allowed=not no_sandbox)
    if warning:
        print(f"grader: {warning}", file=sys.stderr)
    out_dir = Path(out).resolve()
    make_shared_dir(out_dir)  # reports are for the instructor's group too
    cache = cache_from(cache_dir, no_cache, cache_max_size)
    data = data_dir_from(data_dir)
    work_root = out_dir / ".work" if cache is None else None
    threads = thread_share(usable_cores(), workers)

    def settings_for(r: Rubric) -> GradeSettings:  # once per rubric
        if deadline is not None:
            deadline.policy_for(r)  # a rubric without a late policy is refused before any work
        environment = environment_for(r, env, show_progress, warn)
        return GradeSettings(r, data, sandboxed, cache, work_root=work_root, environment=environment, threads=threads)

    # a zip is unpacked for as long as the block runs, and removed however it ends (Ctrl-C too)
    with (
        Gradebook(database_url(db, out_dir)) as book,
        open_jobs(Path(submissions), rubric, settings_for, warn) as found,
    ):
        jobs = timed_jobs(found, moodle_times)
        for line in unknown_time_warnings([job.submission for job in jobs], deadline):
            warn(line)
        run = open_class_run(book, jobs, out_dir, lang, student_view=student_view, due=deadline)
        page = _grade(run, workers, executor)
    results = [run.results[i] for i in range(len(jobs))]
    note = gap_note(results, lang)
    if note:  # not the students' mistakes: said apart from the scores, for the instructor to act on
        print(f"grader: {note}", file=sys.stderr)
    print("\n".join(summary_lines(run, page)))
    faults = [r for r in results if r.status == "error"]
    if faults:  # the grader's own failure: every report is written, and the exit code says so
        raise GraderBug(
            f"{len(faults)} of {len(jobs)} notebooks were not graded because the grader failed "
            f"(first: {faults[0].submission}: {faults[0].reason}); grade them again once that is fixed"
        )
    return 0 if all(r.status == "graded" for r in results) else 1


def _grade(run: ClassRun, workers: int, executor: str) -> Path:
    """Grade what is pending, each result kept as it comes; the class page written at the end
    (and when stopped, with what was graded, before saying so)."""
    pending = run.pending
    if run.reused:
        print(
            f"grader: {len(run.reused)} of {len(run.jobs)} unchanged since graded: their results are reused",
            file=sys.stderr,
        )
    progress = progress_for(len(run.jobs), len(run.reused))

    def graded(local: int, job: Job, done: Graded) -> None:
        index = pending[local]
        run.graded(index, job, done)
        progress.done(index, run.results[index])

    try:
        with _stoppable():
            grade_jobs([run.jobs[i] for i in pending], workers, graded, executor=executor)
    except GradingStopped:
        progress.close()
        run.finish(interrupted=True)
        raise GradingStopped(
            f"stopped: {len(run.results)} of {len(run.jobs)} graded and kept, running notebooks killed; "
            "run the same command again to finish"
        ) from None
    progress.close()
    return run.finish()


@contextmanager
def _stoppable() -> Iterator[None]:
    """Ctrl-C and SIGTERM stop the grading (no new notebook, running kernels killed) instead of
    killing the grader; a second Ctrl-C is Python's own."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def stop(signum: int, frame: object) -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        request_stop()

    reset()
    for sig in previous:
        signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        reset()
