"""Say which limit stopped a run, in words a student understands, in the run's outcome.

The executor inside the sandbox only sees its kernel die of SIGKILL; the supervisor outside
knows whether the cgroup's memory or process limit did it.  It rewrites ``outcome.json``
(or writes one, if the executor itself was killed) before the launcher reads it.
"""

from __future__ import annotations

import json
import os
from typing import Any

from ..execute.worker import write_json_atomic
from ..models.execution import CellRun, ExecutionOutcome, RunStatus


def limit_reason(limit: str, spec: dict[str, Any]) -> str:
    """The outcome's reason for a limit the supervisor saw tripped."""
    if limit == "memory":
        return (
            f"the kernel was killed: it used more than {spec['tree_memory_mb']} MB of memory "
            "(all of the notebook's processes together)"
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
    return ExecutionOutcome(
        status=status,
        reason=reason,
        cells=tuple(cells),
        duration_s=outcome.duration_s,
        executed_notebook=outcome.executed_notebook,
        evidence_dir=outcome.evidence_dir,
    )


def _made_up(spec: dict[str, Any], limit: str) -> ExecutionOutcome:
    """An outcome for a run whose executor was killed before it could write one."""
    cells: tuple[CellRun, ...] = ()
    try:
        import nbformat

        from ..execute.runner import code_cells

        nb = nbformat.read(spec["notebook"], as_version=4)
        cells = tuple(CellRun(index=i, status="not_run") for i in code_cells(nb))
    except Exception:  # an unreadable notebook still gets an outcome
        pass
    status: RunStatus = "timeout" if limit == "deadline" else "kernel_died"
    executed = os.path.join(spec["out_dir"], "executed.ipynb")
    return ExecutionOutcome(
        status=status,
        reason=limit_reason(limit, spec),
        cells=cells,
        duration_s=0.0,
        executed_notebook=executed if os.path.exists(executed) else None,
        evidence_dir=spec["evidence_dir"],
    )


def settle_outcome(spec: dict[str, Any], limit: str | None) -> None:
    """Name the tripped limit (if any) in ``out_dir/outcome.json``; write one if missing."""
    path = os.path.join(spec["out_dir"], "outcome.json")
    try:
        with open(path, encoding="utf-8") as handle:
            outcome = ExecutionOutcome.from_json(json.load(handle))
    except (OSError, ValueError, KeyError, TypeError):
        if limit is None:
            return  # the launcher reports a worker that failed on its own
        outcome = _made_up(spec, limit)
        limit = None if limit == "deadline" else limit
    write_json_atomic(path, _patched(outcome, limit, spec).to_json())
