"""Grading: execute (or fetch from the cache) → evidence → checks → score, for one or many."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cache import run_key
from ..checks import run_check
from ..environments import own_environment
from ..evidence import build_evidence
from ..evidence.instructor_tests import run_instructor_tests
from ..execute import execute_notebook, host_path_mapper
from ..execute.workspace import MAX_COPIED_BYTES, Workspace, left_out, prune_workspace, workspace_at
from ..models.evidence import Evidence
from ..models.execution import ExecutionOutcome
from ..models.results import CheckResult, ItemResult, Message, Result, SubmissionStatus
from ..models.rubric import Rubric
from ..models.submission import Submission
from ..reeval.client import Reevaluator
from ..scoring import cell_results, score_items, total, words
from ..scoring.notes import note_messages
from . import activity
from .executors import LOCAL, parse_executor
from .plan import Job
from .reevaluation import ReevaluatorAhead, likely_model_formats, same_environment
from .settings import GradeSettings
from .timings import phase_seconds

log = logging.getLogger(__name__)
STATUS: dict[str, SubmissionStatus] = {
    "completed": "graded",
    "timeout": "timeout",
    "kernel_died": "kernel_died",
    "error": "error",
}


@dataclass(frozen=True)
class Graded:
    """A graded submission with everything behind it: the evidence (None when it never ran),
    each item's check result, the run's outcome and its workspace (None once removed)."""

    result: Result
    evidence: Evidence | None
    checks: Mapping[str, CheckResult] = field(default_factory=dict)
    outcome: ExecutionOutcome | None = None
    workspace: Workspace | None = None


def _data_signature(settings: GradeSettings) -> list[Any]:
    from ..datasets import STANDIN_VERSIONS  # a dataset missing from data_dir is a stand-in too

    if settings.data_dir is None or not settings.data_dir.is_dir():
        return ["stand-ins", *STANDIN_VERSIONS]
    files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in settings.data_dir.iterdir() if p.is_file())
    return [*STANDIN_VERSIONS, *files]


def _run_settings(settings: GradeSettings) -> dict[str, Any]:
    limits = settings.rubric.limits
    return {
        "datasets": list(settings.rubric.datasets),
        "data": _data_signature(settings),
        "cell_timeout": limits.cell_timeout_s,
        "notebook_timeout": limits.notebook_timeout_s,
        "memory_mb": limits.memory_mb,
        "cpu_s": limits.cpu_s,
        "disk_mb": limits.disk_mb,
        "seed": settings.seed,
        "sandboxed": settings.sandboxed,
        # a notebook graded in another environment is another run
        "environment": None if settings.environment is None else settings.environment.info.spec_hash,
    }


def _stager(settings: GradeSettings) -> Callable[[Workspace], dict[str, str]]:
    def prepare(ws: Workspace) -> dict[str, str]:
        if not settings.rubric.datasets:
            return {}
        from ..datasets import stage_datasets

        staged = stage_datasets(list(settings.rubric.datasets), ws.work, ws.home, settings.data_dir)
        notes = [
            {"dataset": f.dataset, "standin": f.standin, "note": {"code": f.note.code, "params": f.note.params}}
            for f in staged
        ]
        (ws.root / "staged.json").write_text(json.dumps(notes), encoding="utf-8")
        return {name: str(f.path) for f in staged for name in f.names}

    return prepare


def _confinement(settings: GradeSettings) -> Any:
    if not settings.sandboxed:
        return None
    from ..sandbox import Sandbox, SandboxLimits

    limits = settings.rubric.limits
    # cpu_s=None lets the sandbox scale CPU time with the cores TensorFlow trains on
    return Sandbox(SandboxLimits(memory_mb=limits.memory_mb, cpu_s=limits.cpu_s, disk_mb=limits.disk_mb))


def run_submission(
    submission: Submission, settings: GradeSettings, on_workspace: Callable[[Workspace], None] | None = None
) -> tuple[ExecutionOutcome, Workspace]:
    """Execute (or fetch from the cache) one submission's run; ``on_workspace(workspace)`` is
    called when a run is about to execute, its workspace made (not for a run fetched)."""
    limits = settings.rubric.limits
    stage = _stager(settings)

    def prepare(workspace: Workspace) -> dict[str, str]:
        if on_workspace is not None:
            on_workspace(workspace)
        return stage(workspace)

    kwargs: dict[str, Any] = {
        "cell_timeout": limits.cell_timeout_s,
        "notebook_timeout": limits.notebook_timeout_s,
        "seed": settings.seed,
        "siblings": list(submission.siblings),
        "wrap": _confinement(settings),
        "prepare": prepare,
        "python": None if settings.environment is None else str(settings.environment.python),
        "threads": settings.threads,
    }
    if settings.cache is None:
        base = settings.work_root or Path(tempfile.mkdtemp(prefix="grader-run-"))
        base.mkdir(parents=True, exist_ok=True)
        root = Path(tempfile.mkdtemp(prefix="run-", dir=base.resolve()))
        run = execute_notebook(submission.content, root, **kwargs)
        return run.outcome, run.workspace
    key = run_key(submission.content, submission.siblings, _run_settings(settings))
    with settings.cache.locked(key) as folder:
        outcome = settings.cache.load(key)
        if outcome is None:
            settings.cache.discard(key)
            run = execute_notebook(submission.content, folder, **kwargs)
            if run.outcome.status == "error":  # the grader's own failure is not kept: the next run tries again
                return run.outcome, run.workspace
            settings.cache.store(key, run.outcome)
            outcome = settings.cache.load(key) or run.outcome
    return outcome, workspace_at(folder, submission.content.name)


def gather_evidence(
    outcome: ExecutionOutcome, workspace: Workspace, rubric: Rubric, models: Reevaluator | None = None
) -> Evidence:
    """What the run did, measured by the grader, with the rubric's instructor tests run on it.
    ``models`` re-evaluates the saved models (default: a worker of the grader's own interpreter)."""
    evidence = build_evidence(outcome, host_path_mapper(workspace), models)
    files = [str(item.params["file"]) for item in rubric.items if item.check == "test" and "file" in item.params]
    return run_instructor_tests(evidence, files) if files else evidence


def saved_files(evidence: Evidence, workspace: Workspace) -> list[str]:
    """The files on this machine of the models the notebook saved (their checks load them again)."""
    host_path = host_path_mapper(workspace)
    return [local for save in evidence.saves if save.path and (local := host_path(save.path))]


def check_all(rubric: Rubric, evidence: Evidence) -> dict[str, CheckResult]:
    """Run every item's check; a crashing check is the grader's fault and says so."""
    results = {}
    for item in rubric.items:
        try:
            results[item.id] = run_check(item.check, evidence, item.params)
        except Exception as exc:  # a defect in a check must not cost the student the other items
            log.exception("check %s crashed", item.id)
            results[item.id] = CheckResult.not_judged(
                Message("check.crashed", {"error": type(exc).__name__}), needs_review=True
            )
    return results


def _staged_notes(workspace: Workspace) -> list[Message]:
    path = workspace.root / "staged.json"
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return []
    notes: list[Message] = []
    for entry in entries:
        note = entry.get("note") or {}
        message = Message(str(note.get("code", "")), dict(note.get("params") or {}))
        if note and message not in notes:  # one line per dataset, not per file
            notes.append(message)
    return notes


LEFT_OUT_NOTES = {
    "link": "workspace.left_out_link",
    "special": "workspace.left_out_special",
    "hard_link": "workspace.left_out_hard_link",
    "too_big": "workspace.left_out_too_big",
}
"""The note for each reason a file handed in was not copied into the run."""


def left_out_notes(submission: Submission, workspace: Workspace) -> list[Message]:
    """One note per file handed in that the run never saw: left out at intake (a link, a device,
    a hard link) or when the workspace was made."""
    notes: list[Message] = []
    for name, why in dict([*submission.left_out, *left_out(workspace.root)]).items():
        params: dict[str, Any] = {"name": name}
        if why == "too_big":
            params["limit_mb"] = MAX_COPIED_BYTES // 2**20
        notes.append(Message(LEFT_OUT_NOTES.get(why, LEFT_OUT_NOTES["special"]), params))
    return notes


def invalid_result(submission: Submission, rubric: Rubric, reason: str) -> Result:
    """The result of a submission that could not be graded at all."""
    message = Message("submission.invalid", {"reason": reason})
    items = tuple(
        ItemResult(
            id=i.id,
            check=i.check,
            title=words(i.title),
            points=0.0,
            max_points=float(i.points),
            passed=False,
            messages=(message,),
            evidence={},
            visibility=i.visibility,
            required=i.required,
            judged=False,
        )
        for i in rubric.items
    )
    return Result(
        submission=submission.display,
        student=submission.student,
        rubric=rubric.name,
        status="invalid",
        score=0.0,
        max_score=rubric.max_score,
        duration_s=0.0,
        items=items,
        cells=(),
        reason=reason,
        rubric_title=words(rubric.title),
    )


def fault_result(submission: Submission, settings: GradeSettings, outcome: ExecutionOutcome, seconds: float) -> Result:
    """The result of a run the grader itself failed (status ``error``): nothing is judged, every
    item says it was not the student's doing, and the reason is the grader's fault for the
    instructor.  Its workspace is kept, for the instructor to look at."""
    return _unjudged(submission, settings, Message("run.grader_fault", {}), outcome.reason, seconds)


def lost_result(submission: Submission, settings: GradeSettings, reason: str, seconds: float) -> Result:
    """The result of a submission whose Dask worker died under it on every try (status ``error``,
    the grader's failure, not the student's): nothing judged, every item needs review."""
    return _unjudged(submission, settings, Message("run.worker_lost", {}), reason, seconds)


def unreachable_result(submission: Submission, settings: GradeSettings, reason: str) -> Result:
    """The result of a submission whose files the machine grading it cannot see (a Dask worker
    without the shared folders): the grader's failure (status ``error``), nothing judged."""
    return _unjudged(submission, settings, Message("run.grader_fault", {}), reason, 0.0)


def _unjudged(
    submission: Submission, settings: GradeSettings, message: Message, reason: str | None, seconds: float
) -> Result:
    rubric = settings.rubric
    items = tuple(
        ItemResult(
            id=i.id,
            check=i.check,
            title=words(i.title),
            points=0.0,
            max_points=float(i.points),
            passed=False,
            messages=(message,),
            evidence={},
            visibility=i.visibility,
            required=i.required,
            judged=False,
            needs_review=True,
        )
        for i in rubric.items
    )
    return Result(
        submission=submission.display,
        student=submission.student,
        rubric=rubric.name,
        status="error",
        score=0.0,
        max_score=rubric.max_score,
        duration_s=seconds,
        items=items,
        cells=(),
        reason=reason,
        rubric_title=words(rubric.title),
        environment=settings.environment.info if settings.environment is not None else own_environment(),
    )


def grade_submission(submission: Submission, settings: GradeSettings) -> Graded:
    """Grade one submission end to end."""
    rubric = settings.rubric
    if submission.problem:
        return Graded(invalid_result(submission, rubric, submission.problem), None)
    start = time.monotonic()
    # the re-evaluation worker starts with the run, its imports paid while the notebook runs
    ahead = ReevaluatorAhead(settings.environment, settings.sandboxed, likely_model_formats(submission.content))
    try:
        with activity.running(submission.display):
            outcome, workspace = run_submission(submission, settings, on_workspace=ahead.start)
        ran = time.monotonic()
        if outcome.status == "error":
            result = fault_result(submission, settings, outcome, time.monotonic() - start)
            return Graded(result, None, {}, outcome, workspace)
        environment = settings.environment.info if settings.environment is not None else own_environment()
        with ahead.take(workspace.root) as models:
            evidence = same_environment(gather_evidence(outcome, workspace, rubric, models), environment)
    finally:
        ahead.close()
    evidenced = time.monotonic()
    checks = check_all(rubric, evidence)
    checked = time.monotonic()
    items = score_items(rubric, checks)
    score, max_score = total(items)
    timings = phase_seconds(outcome, ran - start, evidenced - ran, models.waited_s, checked - evidenced)
    result = Result(
        submission=submission.display,
        student=submission.student,
        rubric=rubric.name,
        status=STATUS.get(outcome.status, "error"),
        score=score,
        max_score=max_score,
        duration_s=time.monotonic() - start,
        items=items,
        cells=cell_results(outcome.cells),
        reason=outcome.reason,
        notes=tuple(left_out_notes(submission, workspace) + _staged_notes(workspace) + note_messages(evidence)),
        rubric_title=words(rubric.title),
        environment_gaps=evidence.environment_gaps,
        environment=environment,
        timings=timings,
    )
    if settings.cache is None and settings.work_root is None:
        shutil.rmtree(workspace.root.parent, ignore_errors=True)
        return Graded(result, evidence, checks, outcome, None)
    if settings.cache is None:  # a kept run keeps only what its evidence is read again from
        prune_workspace(workspace, saved_files(evidence, workspace))
    return Graded(result, evidence, checks, outcome, workspace)


def grade_jobs(
    jobs: Sequence[Job],
    workers: int = 1,
    on_graded: Callable[[int, Job, Graded], None] | None = None,
    executor: str = LOCAL,
) -> list[Graded]:
    """Grade every job with ``workers`` threads (each notebook runs in its own process), or on a
    Dask cluster (``executor``: ``dask-local``, ``dask://HOST:PORT``; see :mod:`.executors`);
    ``on_graded(index, job, graded)`` is called in this process as each one finishes. Results
    keep the jobs' order."""
    choice = parse_executor(executor)
    if choice.on_dask:
        from .dask_executor import grade_on_dask  # Dask is loaded only when asked for

        return grade_on_dask(jobs, choice, workers, on_graded)

    def one(index: int) -> Graded:
        job = jobs[index]
        graded = grade_submission(job.submission, job.settings)
        if on_graded is not None:
            on_graded(index, job, graded)
        return graded

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, range(len(jobs))))
