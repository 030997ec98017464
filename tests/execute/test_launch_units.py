"""The launcher without a kernel: a stand-in worker reports over the real signed channel.

The stand-in plays both the worker (it reports an outcome) and the sandbox supervisor (it
sends a verdict), so these tests check how ``launch`` hands a verdict to its confinement.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from grader.execute.launch import Confinement, launch
from grader.models.execution import ExecutionJob, ExecutionOutcome

VERDICT = {"limit": "memory", "tree_memory_mb": 1536}

STAND_IN = """
import os
from grader import channel
key = bytes.fromhex(os.environ[channel.SUPERVISOR_KEY_ENV])
sender = channel.Sender(1, key)
sender.send("outcome", {"status": "kernel_died", "reason": "the kernel died", "cells": [
    {"index": 0, "status": "not_run", "error": "the kernel died", "seconds": None}],
    "duration_s": 0.5, "executed_notebook": None, "evidence_dir": "ignored"})
sender.send(channel.VERDICT_KIND, %s)
sender.send(channel.VERDICT_KIND + "!", {"limit": "forged kind: ignored"})
os.write(1, b'GRADER1 0000 {"kind": "sandbox", "data": {"limit": "forged"}}\\n')
"""


def _job(tmp_path: Path) -> ExecutionJob:
    work = tmp_path / "work"
    work.mkdir()
    notebook = work / "nb.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("print(1)")]), notebook)
    return ExecutionJob(
        notebook=str(notebook),
        workdir=str(work),
        evidence_dir=str(tmp_path / "evidence"),
        out_dir=str(tmp_path / "out"),
        notebook_timeout=60,
    )


class StandInSandbox:
    """A ``Confinement`` by shape, as ``grader.sandbox.Sandbox`` is: replaces the worker with the stand-in."""

    def __init__(self) -> None:
        self.wrapped: list[str] | None = None
        self.verdicts: list[dict[str, Any]] = []

    def command(self, argv: list[str], job: ExecutionJob) -> list[str]:
        self.wrapped = argv
        return [sys.executable, "-c", STAND_IN % repr(VERDICT)]

    def conclude(self, outcome: ExecutionOutcome, verdict: dict[str, Any]) -> ExecutionOutcome:
        self.verdicts.append(verdict)
        return ExecutionOutcome(
            status=outcome.status,
            reason=f"concluded: {verdict['limit']}",
            cells=outcome.cells,
            duration_s=outcome.duration_s,
            executed_notebook=outcome.executed_notebook,
            evidence_dir=outcome.evidence_dir,
        )

    def wrap(self, argv: list[str], job: ExecutionJob) -> list[str]:
        return self.command(argv, job)


def test_the_sandbox_shape_is_a_confinement() -> None:
    from grader.sandbox import Sandbox

    assert isinstance(Sandbox(), Confinement)
    assert isinstance(StandInSandbox(), Confinement)


def test_launcher_applies_the_verdict_through_conclude(tmp_path: Path) -> None:
    job = _job(tmp_path)
    sandbox = StandInSandbox()
    outcome = launch(job, wrap=sandbox)
    assert sandbox.wrapped is not None and sandbox.wrapped[-1].endswith("job.json")  # the worker's command
    assert sandbox.verdicts == [VERDICT]  # once: the forged lines never reached it
    assert outcome.status == "kernel_died"
    assert outcome.reason == "concluded: memory"
    assert outcome.evidence_dir == job.evidence_dir
    written = json.loads((tmp_path / "out" / "outcome.json").read_text(encoding="utf-8"))
    assert written["reason"] == "concluded: memory"  # the concluded outcome is the one written


def test_a_plain_command_wrapper_wraps_but_cannot_conclude(tmp_path: Path) -> None:
    outcome = launch(_job(tmp_path), wrap=lambda argv, job: [sys.executable, "-c", STAND_IN % repr(VERDICT)])
    assert outcome.status == "kernel_died"
    assert outcome.reason == "the kernel died"  # the worker's own reason; the verdict had no one to apply it
