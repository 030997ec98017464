"""``grader grade SUBMISSIONS --out DIR``: grade a whole class into JSON and HTML reports."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import ConfigError, GraderBug
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
    write_class_outputs,
    write_submission_outputs,
)
from ..report import gap_note
from .env import show_progress, warn


def main(
    *,
    submissions: str,
    out: str,
    rubric: str | None = None,
    data_dir: str | None = None,
    lang: str = "en",
    workers: int = 1,
    executor: str = "local",
    cache_dir: str | None = None,
    no_cache: bool = False,
    cache_max_size: str | None = None,
    no_sandbox: bool = False,
    env: str | None = None,
) -> int:
    """Grade every notebook found in ``submissions`` and write reports into ``out``."""
    parse_executor(executor)  # a bad value is refused before any work
    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    sandboxed, warning = sandbox_choice(required=True, allowed=not no_sandbox)
    if warning:
        print(f"grader: {warning}", file=sys.stderr)
    out_dir = Path(out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = cache_from(cache_dir, no_cache, cache_max_size)
    data = data_dir_from(data_dir)
    work_root = out_dir / ".work" if cache is None else None

    def settings_for(r: Rubric) -> GradeSettings:  # once per rubric
        environment = environment_for(r, env, show_progress, warn)
        return GradeSettings(r, data, sandboxed, cache, work_root=work_root, environment=environment)

    # a zip is unpacked for as long as the block runs, and removed however it ends (Ctrl-C too)
    with open_jobs(Path(submissions), rubric, settings_for, warn) as jobs:
        results = _grade_and_write(jobs, workers, out_dir, lang, executor)
    note = gap_note([g.result for g in results], lang)
    if note:  # not the students' mistakes: said apart from the scores, for the instructor to act on
        print(f"grader: {note}", file=sys.stderr)
    faults = [(job, g.result) for g, job in zip(results, jobs, strict=True) if g.result.status == "error"]
    if faults:  # the grader's own failure: every report is written, and the exit code says so
        first, result = faults[0]
        raise GraderBug(
            f"{len(faults)} of {len(jobs)} notebooks were not graded because the grader failed "
            f"(first: {first.submission.display}: {result.reason}); grade them again once that is fixed"
        )
    return 0 if all(g.result.all_required_passed for g in results) else 1


def _grade_and_write(jobs: list[Job], workers: int, out_dir: Path, lang: str, executor: str) -> list[Graded]:
    def graded(index: int, job: Job, done: Graded) -> None:
        write_submission_outputs(done, out_dir, job.stem, lang)
        r = done.result
        print(
            f"[{index + 1}/{len(jobs)}] {job.submission.display}: {round(r.score, 1):g}/{r.max_score:g} {r.status} "
            f"({r.duration_s:.0f} s)" + (f": {r.reason}" if r.status == "error" else ""),
            file=sys.stderr,
        )

    results = grade_jobs(jobs, workers, graded, executor=executor)
    write_class_outputs([(g.result, job.stem) for g, job in zip(results, jobs, strict=True)], out_dir, lang)
    return results
