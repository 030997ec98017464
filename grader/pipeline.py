"""The one place that composes the stages: intake -> execute -> evidence -> checks -> score.

The CLI parses arguments and calls :func:`grade_submission`; reports are written by the
caller from the returned :class:`Graded`.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .cache import EvidenceCache, run_key
from .checks import run_check
from .evidence import build_evidence
from .execute import execute_notebook, host_path_mapper
from .execute.workspace import Workspace
from .i18n import render
from .models.evidence import Evidence
from .models.execution import ExecutionOutcome
from .models.results import CheckResult, ItemResult, Message, Result, SubmissionStatus
from .models.rubric import Rubric
from .models.submission import Submission
from .notes import note_lines
from .scoring import cell_results, score_items, total

log = logging.getLogger(__name__)
STATUS = {"completed": "graded", "timeout": "timeout", "kernel_died": "kernel_died", "error": "error"}


@dataclass(frozen=True)
class GradeSettings:
    """How to grade: the rubric and the environment around each run."""

    rubric: Rubric
    rubric_dir: Path
    lang: str = "en"
    data_dir: Path | None = None
    sandboxed: bool = False
    cache: EvidenceCache | None = None
    work_root: Path | None = None
    """Where uncached runs keep their workspaces (default: a temporary folder)."""
    seed: int = 0
    extra_kernel_env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Graded:
    """A graded submission and the evidence behind it (None when it never ran)."""

    result: Result
    evidence: Evidence | None
    workspace: Workspace | None = None


def _data_signature(settings: GradeSettings) -> list[Any]:
    if settings.data_dir is None or not settings.data_dir.is_dir():
        return ["stand-ins"]
    return sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in settings.data_dir.iterdir() if p.is_file())


def _run_settings(settings: GradeSettings) -> dict[str, Any]:
    limits = settings.rubric.limits
    return {
        "datasets": list(settings.rubric.datasets),
        "data": _data_signature(settings),
        "cell_timeout": limits.cell_timeout_s,
        "notebook_timeout": limits.notebook_timeout_s,
        "memory_mb": limits.memory_mb,
        "cpu_s": limits.cpu_s,
        "seed": settings.seed,
        "sandboxed": settings.sandboxed,
    }


def _stager(settings: GradeSettings):
    def prepare(ws: Workspace) -> dict[str, str]:
        if not settings.rubric.datasets:
            return {}
        from .datasets import stage_datasets

        staged = stage_datasets(list(settings.rubric.datasets), ws.work, ws.home, settings.data_dir)
        notes = [{"dataset": f.dataset, "standin": f.standin, "note": f.note} for f in staged]
        (ws.root / "staged.json").write_text(json.dumps(notes), encoding="utf-8")
        return {name: str(f.path) for f in staged for name in f.names}

    return prepare


def _wrapper(settings: GradeSettings):
    if not settings.sandboxed:
        return None
    from .sandbox import Sandbox, SandboxLimits

    limits = settings.rubric.limits
    # cpu_s=None lets the sandbox scale CPU time with the cores TensorFlow trains on
    return Sandbox(SandboxLimits(memory_mb=limits.memory_mb, cpu_s=limits.cpu_s)).wrap


def _workspace(root: Path, notebook_name: str) -> Workspace:
    return Workspace(
        root=root,
        work=root / "work",
        home=root / "home",
        evidence=root / "evidence",
        out=root / "out",
        notebook=root / "work" / notebook_name,
    )


def run_submission(submission: Submission, settings: GradeSettings) -> tuple[ExecutionOutcome, Workspace]:
    """Execute (or fetch from the cache) one submission's run."""
    limits = settings.rubric.limits
    kwargs: dict[str, Any] = {
        "cell_timeout": limits.cell_timeout_s,
        "notebook_timeout": limits.notebook_timeout_s,
        "seed": settings.seed,
        "siblings": list(submission.siblings),
        "wrap": _wrapper(settings),
        "prepare": _stager(settings),
    }
    if settings.cache is None:
        base = settings.work_root or Path(tempfile.mkdtemp(prefix="grader-run-"))
        base.mkdir(parents=True, exist_ok=True)
        root = Path(tempfile.mkdtemp(prefix="run-", dir=base))
        run = execute_notebook(submission.path, root, **kwargs)
        return run.outcome, run.workspace
    key = run_key(submission.path, submission.siblings, _run_settings(settings))
    with settings.cache.locked(key) as folder:
        outcome = settings.cache.load(key)
        if outcome is None:
            settings.cache.discard(key)
            run = execute_notebook(submission.path, folder, **kwargs)
            settings.cache.store(key, run.outcome)
            outcome = settings.cache.load(key) or run.outcome
    return outcome, _workspace(folder, submission.path.name)


def check_all(rubric: Rubric, evidence: Evidence) -> dict[str, CheckResult]:
    """Run every item's check; a crashing check is the grader's fault and says so."""
    results = {}
    for item in rubric.items:
        try:
            results[item.id] = run_check(item.check, evidence, item.params)
        except Exception as exc:  # a defect in a check must not cost the student the other items
            log.exception("check %s crashed", item.id)
            results[item.id] = CheckResult.fail(Message("check.crashed", {"error": type(exc).__name__}))
    return results


def _staged_notes(workspace: Workspace, lang: str) -> list[str]:
    path = workspace.root / "staged.json"
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return []
    return list(dict.fromkeys(e["note"] for e in entries if e.get("note")))  # one line per dataset


def invalid_result(submission: Submission, rubric: Rubric, reason: str, lang: str) -> Result:
    """The result of a submission that could not be graded at all."""
    message = render(Message("submission.invalid", {"reason": reason}), lang)
    items = tuple(
        ItemResult(
            id=i.id,
            check=i.check,
            title=i.title.get(lang),
            points=0.0,
            max_points=float(i.points),
            passed=False,
            feedback=message,
            evidence={},
            visibility=i.visibility,
            required=i.required,
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
        lang=lang,
        rubric_title=rubric.title.get(lang),
    )


def grade_submission(submission: Submission, settings: GradeSettings) -> Graded:
    """Grade one submission end to end."""
    rubric = settings.rubric
    if submission.problem:
        return Graded(invalid_result(submission, rubric, submission.problem, settings.lang), None)
    start = time.monotonic()
    outcome, workspace = run_submission(submission, settings)
    evidence = build_evidence(outcome, host_path_mapper(workspace))
    items = score_items(rubric, check_all(rubric, evidence), settings.lang)
    score, max_score = total(items)
    notes = _staged_notes(workspace, settings.lang) + note_lines(evidence, settings.lang)
    result = Result(
        submission=submission.display,
        student=submission.student,
        rubric=rubric.name,
        status=cast(SubmissionStatus, STATUS.get(outcome.status, "error")),
        score=score,
        max_score=max_score,
        duration_s=time.monotonic() - start,
        items=items,
        cells=cell_results(outcome.cells),
        reason=outcome.reason,
        lang=settings.lang,
        notes=tuple(notes),
        rubric_title=rubric.title.get(settings.lang),
    )
    if settings.cache is None and settings.work_root is None:
        shutil.rmtree(workspace.root.parent, ignore_errors=True)
    return Graded(result, evidence, workspace)
