"""What running a notebook produced, before anything is learned from it."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CellStatus = Literal["ok", "error", "timeout", "not_run"]
RunStatus = Literal["completed", "timeout", "kernel_died", "error"]

HARD_LIMIT_MARGIN_S = 60.0
"""Seconds past ``ExecutionJob.notebook_timeout`` before the launcher kills a run outright.
A sandbox ends its run earlier (at half this margin) so that it, not a SIGKILL, says why."""

WORKSPACE_LAYOUT_ENV = "GRADER_WORKSPACE_LAYOUT"
"""Environment variable by which a sandbox tells the worker inside that the workspace is a
size-limited file system of its own: where the host's inputs are to copy in, and its size
(see ``grader.sandbox.mounts`` and ``grader.execute.quota``)."""


def size_words(mb: int) -> str:
    """A size as people say it: ``2 GiB`` for whole gibibytes, else ``700 MB``."""
    return f"{mb // 1024} GiB" if mb >= 1024 and mb % 1024 == 0 else f"{mb} MB"


@dataclass(frozen=True)
class CellRun:
    """One code cell's fate."""

    index: int
    """Position of the cell in the notebook (all cells counted, markdown included)."""
    status: CellStatus
    error: str | None = None
    """``ExceptionName: message`` for an error, or what stopped it."""
    seconds: float | None = None


@dataclass(frozen=True)
class ExecutionJob:
    """Everything the worker needs to run one notebook; travels as JSON."""

    notebook: str
    """Path of the notebook copy inside the working directory."""
    workdir: str
    evidence_dir: str
    out_dir: str
    cell_timeout: float = 600.0
    notebook_timeout: float = 1800.0
    seed: int = 0
    token: str = ""
    datasets: dict[str, str] = field(default_factory=dict)
    """File name the notebook may ask for -> staged path to serve instead."""
    kernel_env: dict[str, str] = field(default_factory=dict)
    max_output_bytes: int = 2_000_000
    python: str | None = None
    """The interpreter of the worker and its kernel (a grading environment's); None: the grader's own."""

    def relative_paths(self) -> list[str]:
        """The names of the job's paths that are not absolute (there must be none: the worker
        runs in another folder, inside the sandbox)."""
        paths = {"notebook": self.notebook, "workdir": self.workdir, "evidence_dir": self.evidence_dir}
        paths |= {"out_dir": self.out_dir, **{f"datasets[{k}]": v for k, v in self.datasets.items()}}
        paths |= {
            f"kernel_env[{k}]": v for k, v in self.kernel_env.items() if k == "HOME" or k.endswith(("_HOME", "DIR"))
        }
        if self.python:
            paths["python"] = self.python
        return [name for name, path in paths.items() if not os.path.isabs(path)]

    def to_json(self) -> dict[str, Any]:
        """Plain data for the worker's job file."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExecutionJob:
        """Inverse of :meth:`to_json`."""
        return cls(**data)


@dataclass(frozen=True)
class ExecutionOutcome:
    """The notebook's run as a whole."""

    status: RunStatus
    reason: str | None
    """One line saying which limit was hit or what stopped the run; None when completed."""
    cells: tuple[CellRun, ...]
    duration_s: float
    executed_notebook: str | None
    """Path of the executed notebook (with outputs), when one was written."""
    evidence_dir: str
    disk_full_mb: int | None = None
    """The disk quota (MB) the notebook filled (a write failed for want of space); None: it did not."""
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds of the run's parts, as the kernel side saw them: ``kernel`` (kernel start and probe
    install), ``cells`` (the notebook's cells), ``finish`` (the probe's last word: models saved)."""

    def to_json(self) -> dict[str, Any]:
        """Plain data (the worker writes this as outcome.json)."""
        data = asdict(self)
        data["cells"] = [asdict(c) for c in self.cells]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExecutionOutcome:
        """Inverse of :meth:`to_json`."""
        cells = tuple(CellRun(**c) for c in data.get("cells", []))
        return cls(
            status=data["status"],
            reason=data.get("reason"),
            cells=cells,
            duration_s=float(data.get("duration_s", 0.0)),
            executed_notebook=data.get("executed_notebook"),
            evidence_dir=data["evidence_dir"],
            disk_full_mb=data.get("disk_full_mb"),
            phases={str(k): float(v) for k, v in (data.get("phases") or {}).items()},
        )
