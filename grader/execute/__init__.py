"""Execute stage: run a notebook with the probe in a private workspace.

``execute_notebook`` is the one entry point; the sandbox, when given (as a ``Confinement``),
wraps the worker process (nbclient and the kernel together) and concludes its outcome.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import GraderBug
from ..models.execution import ExecutionJob, ExecutionOutcome
from .launch import Confinement, Wrapper, launch
from .threads import thread_env
from .workspace import Workspace, create_workspace, host_path_mapper, new_token

__all__ = ["Confinement", "ExecutionResult", "Workspace", "Wrapper", "execute_notebook", "host_path_mapper"]


@dataclass(frozen=True)
class ExecutionResult:
    """The outcome of a run and where its files are."""

    outcome: ExecutionOutcome
    workspace: Workspace


def execute_notebook(
    notebook: Path,
    root: Path,
    *,
    cell_timeout: float = 600.0,
    notebook_timeout: float = 1800.0,
    seed: int = 0,
    siblings: list[Path] | None = None,
    wrap: Wrapper | None = None,
    prepare: Callable[[Workspace], dict[str, str]] | None = None,
    python: str | None = None,
    threads: int | None = None,
) -> ExecutionResult:
    """Copy ``notebook`` into a workspace under ``root``, run it, and return the outcome.

    ``prepare(workspace)`` (optional) runs before the kernel starts: it stages the data and
    returns the file names a notebook may ask for, mapped to the staged files.
    ``wrap`` confines the worker: a ``Confinement`` such as ``Sandbox(...)`` (a bare command
    wrapper is still accepted; see ``launch.confinement``).
    ``python``: the interpreter of a grading environment the kernel runs in (default: this one).
    ``threads``: the kernel's BLAS/OpenMP/TensorFlow threads (its share of the cores; default:
    the libraries' own choice).
    """
    # every path the worker is handed is absolute: inside the sandbox it starts in another folder
    root = Path(os.path.abspath(root))
    workspace = create_workspace(notebook, root, siblings)
    served = {name: os.path.abspath(path) for name, path in (prepare(workspace) or {}).items()} if prepare else {}
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
        kernel_env={**workspace.kernel_env(), **(thread_env(threads) if threads else {})},
        python=None if python is None else os.path.abspath(python) if os.sep in python else python,
    )
    relative = job.relative_paths()
    if relative:
        raise GraderBug(f"the run's paths must be absolute, not {', '.join(relative)}")
    return ExecutionResult(outcome=launch(job, wrap=wrap), workspace=workspace)
