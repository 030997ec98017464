"""Sandbox tests: small hostile notebooks run through ``execute_notebook(wrap=Sandbox())``.

Helpers shared by the test modules: write a notebook from cell sources, run it sandboxed,
read what each cell printed, find processes on this machine by their command line.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader.execute import ExecutionResult, execute_notebook
from grader.sandbox import Sandbox, SandboxLimits, sandbox_available

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"

needs_sandbox = pytest.mark.skipif(not sandbox_available()[0], reason=sandbox_available()[1] or "no sandbox")


@dataclass(frozen=True)
class SandboxRun:
    """One sandboxed run: the result, what each code cell printed, how long it took."""

    result: ExecutionResult
    printed: list[str]
    seconds: float

    @property
    def outcome(self):
        return self.result.outcome

    def statuses(self) -> list[str]:
        """Status of each code cell, in order."""
        return [c.status for c in self.outcome.cells]

    def facts(self) -> dict:
        """What the supervisor recorded (cgroup folders, tripped limit, peak memory)."""
        return json.loads((self.result.workspace.out / "sandbox-run.json").read_text())

    def notes(self) -> list[dict]:
        """The probe's notes (served datasets, skipped installs...)."""
        events = self.result.workspace.evidence / "events.jsonl"
        lines = events.read_text(encoding="utf-8").splitlines() if events.exists() else []
        return [e for e in map(json.loads, lines) if e["kind"] == "note"]


def write_notebook(path: Path, *cells: str) -> Path:
    """A notebook with one code cell per source."""
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def run_sandboxed(
    root: Path,
    *cells: str,
    limits: SandboxLimits = SandboxLimits(),  # noqa: B008 - frozen, never mutated
    cell_timeout: float = 30,
    notebook_timeout: float = 120,
    prepare=None,
    name: str = "student.ipynb",
) -> SandboxRun:
    """Run ``cells`` as a notebook in the sandbox, with the workspace under ``root/run``."""
    notebook = write_notebook(root / "submitted" / name, *cells)
    start = time.monotonic()
    result = execute_notebook(
        notebook,
        root / "run",
        wrap=Sandbox(limits),
        cell_timeout=cell_timeout,
        notebook_timeout=notebook_timeout,
        prepare=prepare,
    )
    seconds = time.monotonic() - start
    printed = []
    if result.outcome.executed_notebook:
        nb = nbformat.read(result.outcome.executed_notebook, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.source.strip():
                printed.append("".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream"))
    return SandboxRun(result=result, printed=printed, seconds=seconds)


def processes_running(*argv: str) -> list[int]:
    """Pids on this machine whose command line is exactly ``argv``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                words = handle.read().split(b"\0")
        except OSError:
            continue
        if [w.decode(errors="replace") for w in words if w] == list(argv):
            found.append(int(entry))
    return found


def assert_cleaned_up(run: SandboxRun) -> None:
    """The run's cgroups are gone (the supervisor removed them)."""
    for folder in run.facts().get("group", []):
        assert not os.path.exists(folder), f"cgroup left behind: {folder}"
