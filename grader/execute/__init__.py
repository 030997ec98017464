"""Execute stage: run a notebook with the probe in a private workspace.

``execute_notebook`` is the one entry point; the sandbox, when given, wraps the worker
process (nbclient and the kernel together).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..models.execution import ExecutionJob, ExecutionOutcome
from .launch import Wrapper, launch
from .workspace import Workspace, create_workspace, host_path_mapper, new_token

__all__ = ["ExecutionResult", "Workspace", "execute_notebook", "host_path_mapper"]


@dataclass(frozen=True)
class ExecutionResult:
    """The outcome of a run and where its files are."""

    outcome: ExecutionOutcome
    workspace: Workspace


def execute_notebook(
    notebook: Path,
    root: Path,
    *,
    datasets: dict[str, str] | None = None,
    cell_timeout: float = 600.0,
    notebook_timeout: float = 1800.0,
    seed: int = 0,
    siblings: list[Path] | None = None,
    wrap: Wrapper | None = None,
    prepare: object | None = None,
) -> ExecutionResult:
    """Copy ``notebook`` into a workspace under ``root``, run it, and return the outcome.

    ``datasets`` maps the file names a notebook may ask for to staged files;
    ``prepare(workspace)`` (optional) runs before the kernel starts - used to stage data.
    """
    workspace = create_workspace(notebook, root, siblings)
    served = dict(datasets or {})
    if callable(prepare):
        served.update(prepare(workspace) or {})
    job = ExecutionJob(
        notebook=str(workspace.notebook),
        workdir=str(workspace.work),
        evidence_dir=str(workspace.evidence),
        out_dir=str(workspace.out),
        cell_timeout=cell_timeout,
        notebook_timeout=notebook_timeout,
        seed=seed,
        token=new_token(),
        datasets=served,
        kernel_env=workspace.kernel_env(),
    )
    return ExecutionResult(outcome=launch(job, wrap=wrap), workspace=workspace)
