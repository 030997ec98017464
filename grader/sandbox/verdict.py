"""Say which limit stopped a run, in words a student understands, in the run's outcome.

The executor inside the sandbox only sees its kernel die of SIGKILL; the supervisor outside
knows whether the cgroup's memory or process limit did it.  It sends that verdict (signed)
to the launcher, which hands it to ``Sandbox.conclude``: applied here to the outcome the
executor reported.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..models.execution import CellRun, ExecutionOutcome, size_words

NO_SPACE = ("No space left on device", "[Errno 28]")
"""How a write past the disk quota (ENOSPC) reads in a cell's error."""


def limit_reason(limit: str, spec: dict[str, Any]) -> str:
    """The outcome's reason for a limit the supervisor saw tripped."""
    if limit == "memory":
        # with the disk quota on tmpfs, the files the notebook wrote are memory of the run too
        files = ", and the files on its disk" if spec.get("disk_mb") else ""
        return (
            f"the kernel was killed: it used more than {spec['tree_memory_mb']} MB of memory "
            f"(all of the notebook's processes together{files})"
        )
    if limit == "processes":
        return f"the kernel was killed: it started more than {spec['processes']} processes or threads"
    if limit == "deadline":
        return f"the run passed its hard limit of {spec['deadline_s']:g} s and was killed"
    return f"the kernel was killed by the {limit} limit"


def _hint(error: str | None, spec: dict[str, Any]) -> str | None:
    """A cell error caused by a per-process limit, with that limit named."""
    if not error or "(sandbox limit:" in error:
        return error
    if error.startswith("MemoryError"):
        return f"{error} (sandbox limit: {spec['memory_mb']} MB of memory per process)"
    if "File too large" in error:
        return f"{error} (sandbox limit: files up to {spec['file_size_mb']} MB)"
    if "Too many open files" in error:
        return f"{error} (sandbox limit: {spec['open_files']} open files)"
    if spec.get("disk_mb") and any(mark in error for mark in NO_SPACE):
        return (
            f"{error} (sandbox limit: {size_words(spec['disk_mb'])} of disk for the notebook's folder, home and /tmp)"
        )
    return error


def _patched(outcome: ExecutionOutcome, limit: str | None, spec: dict[str, Any]) -> ExecutionOutcome:
    cells = []
    status, reason = outcome.status, outcome.reason
    if limit is not None and status != "timeout":
        status, reason = "kernel_died", limit_reason(limit, spec)
    for cell in outcome.cells:
        error = _hint(cell.error, spec)
        if cell.status == "not_run" and cell.error and status == "kernel_died" and reason:
            error = reason  # the cell the kernel died in says why (CPU time, memory...)
        cells.append(CellRun(index=cell.index, status=cell.status, error=error, seconds=cell.seconds))
    return replace(outcome, status=status, reason=reason, cells=tuple(cells))


def apply_verdict(outcome: ExecutionOutcome, verdict: dict[str, Any]) -> ExecutionOutcome:
    """The outcome with the supervisor's verdict applied: the tripped limit (if any) named as the
    reason, and cell errors caused by a per-process limit saying which limit.  A run the grader
    itself failed (status ``error``) stays the grader's fault whatever limit tripped."""
    if outcome.status == "error":
        return outcome
    limit = verdict.get("limit")
    if limit == "deadline":
        if outcome.status == "completed":
            return outcome
        reason = limit_reason(limit, verdict)
        return replace(outcome, status="timeout", reason=reason)
    return _patched(outcome, limit, verdict)
