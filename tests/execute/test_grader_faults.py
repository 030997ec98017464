"""A failure of the grader's own is never the student's: status ``error``, a reason for the
instructor, exit code 3 - never ``kernel_died`` with a message to the student.

No kernel starts here: every run fails (or is made to fail) before the notebook's first cell.
The stand-in workers speak the real signed channel; the last tests run the real worker.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader.errors import GraderBug
from grader.execute import execute_notebook
from grader.execute.launch import GRADER_FAULT, launch
from grader.models.execution import CellRun, ExecutionJob, ExecutionOutcome
from grader.sandbox.verdict import apply_verdict

SAYS = """
import os, sys
from grader import channel
key = channel.read_key(int(os.environ[channel.KEY_FD_ENV]))
sender = channel.Sender(1, key)
for kind, data in %r:
    sender.send(kind, data)
print(%r, file=sys.stderr)
sys.exit(%d)
"""


def _job(tmp_path: Path) -> ExecutionJob:
    work = tmp_path / "work"
    work.mkdir()
    notebook = work / "nb.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("print(1)"), new_code_cell("print(2)")]), notebook)
    return ExecutionJob(
        notebook=str(notebook),
        workdir=str(work),
        evidence_dir=str(tmp_path / "evidence"),
        out_dir=str(tmp_path / "out"),
        notebook_timeout=60,
    )


def _stand_in(messages: list[tuple[str, object]], stderr: str, code: int):
    return lambda argv, job: [sys.executable, "-c", SAYS % (messages, stderr, code)]


def test_a_worker_that_stops_before_the_first_cell_is_the_graders_fault(tmp_path: Path) -> None:
    outcome = launch(_job(tmp_path), wrap=_stand_in([], "bwrap: Can't mount proc on /newroot/proc", 1))
    assert outcome.status == "error"
    assert outcome.reason is not None and outcome.reason.startswith(GRADER_FAULT)
    assert "bwrap: Can't mount proc" in outcome.reason  # what the sandbox said, for the instructor
    assert "did the notebook" not in outcome.reason


def test_a_worker_that_stops_after_the_notebook_started_is_the_notebooks_doing(tmp_path: Path) -> None:
    outcome = launch(_job(tmp_path), wrap=_stand_in([("started", {})], "", 1))
    assert outcome.status == "kernel_died"
    assert outcome.reason is not None and "did the notebook exit or disturb" in outcome.reason


def test_a_fault_the_worker_reports_before_the_start_is_the_graders(tmp_path: Path) -> None:
    fault = [("fault", {"error": "RuntimeError: the kernel could not start"})]
    outcome = launch(_job(tmp_path), wrap=_stand_in(fault, "", 3))
    assert outcome.status == "error"
    assert outcome.reason == f"{GRADER_FAULT}: RuntimeError: the kernel could not start"
    written = json.loads((tmp_path / "out" / "outcome.json").read_text(encoding="utf-8"))
    assert written["status"] == "error"


def test_a_fault_after_the_start_may_be_the_notebooks_doing(tmp_path: Path) -> None:
    """Once the notebook's code ran it may have caused the runner's failure (a worker out of
    memory in the cgroup the notebook filled): a dead run, with the runner's words kept."""
    fault = [("started", {}), ("fault", {"error": "MemoryError"})]
    outcome = launch(_job(tmp_path), wrap=_stand_in(fault, "", 3))
    assert outcome.status == "kernel_died"
    assert outcome.reason is not None and outcome.reason.endswith("the runner said: MemoryError")


FORGES = """
import os
from grader import channel
key = channel.read_key(int(os.environ[channel.KEY_FD_ENV]))
channel.Sender(1, key).send("started", {})
channel.Sender(1, b"not the key").send("fault", {"error": "forged"})
os.write(1, b'GRADER1 00 {"kind": "fault", "data": {"error": "forged"}}\\n')
os._exit(1)
"""


def test_a_forged_fault_is_ignored(tmp_path: Path) -> None:
    outcome = launch(_job(tmp_path), wrap=lambda argv, job: [sys.executable, "-c", FORGES])
    assert outcome.status == "kernel_died"
    assert outcome.reason is not None and "forged" not in outcome.reason


def test_the_real_worker_without_its_job_file_says_so(tmp_path: Path) -> None:
    missing = str(tmp_path / "elsewhere" / "job.json")
    outcome = launch(_job(tmp_path), wrap=lambda argv, job: [*argv[:-1], missing])
    assert outcome.status == "error"
    assert outcome.reason is not None and "FileNotFoundError" in outcome.reason and "job.json" in outcome.reason
    assert all(c.status == "not_run" for c in outcome.cells)


def test_the_real_worker_failing_before_the_first_cell_says_so(tmp_path: Path) -> None:
    def remove_notebook(argv: list[str], job: ExecutionJob) -> list[str]:
        os.remove(job.notebook)  # the runner reads it before the kernel starts
        return argv

    outcome = launch(_job(tmp_path), wrap=remove_notebook)  # the launcher read it before
    assert outcome.status == "error"
    assert outcome.reason is not None and "FileNotFoundError" in outcome.reason


def test_relative_paths_never_reach_the_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = _job(tmp_path)
    monkeypatch.chdir(tmp_path)
    relative = ExecutionJob(
        notebook="work/nb.ipynb", workdir="work", evidence_dir="evidence", out_dir="out", notebook_timeout=60
    )
    with pytest.raises(GraderBug, match="absolute"):
        launch(relative, wrap=_stand_in([], "", 0))
    assert relative.relative_paths() == ["notebook", "workdir", "evidence_dir", "out_dir"]
    assert job.relative_paths() == []


def test_execute_notebook_makes_a_relative_workspace_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    nbformat.write(new_notebook(cells=[new_code_cell("print(1)")]), tmp_path / "nb.ipynb")
    seen: list[ExecutionJob] = []

    def capture(argv: list[str], job: ExecutionJob) -> list[str]:
        seen.append(job)
        return [sys.executable, "-c", SAYS % ([], "", 1)]

    run = execute_notebook(Path("nb.ipynb"), Path("runs/one"), wrap=capture)
    assert run.workspace.root == tmp_path / "runs" / "one"
    assert seen and seen[0].relative_paths() == []
    assert all(os.path.isabs(v) for v in seen[0].kernel_env.values())


def test_a_sandbox_verdict_does_not_turn_the_graders_fault_into_the_notebooks() -> None:
    outcome = ExecutionOutcome(
        status="error",
        reason=f"{GRADER_FAULT} before the first cell: no cgroup",
        cells=(CellRun(index=0, status="not_run"),),
        duration_s=0.0,
        executed_notebook=None,
        evidence_dir="/x",
    )
    for limit in ("memory", "deadline", None):
        verdict = {"limit": limit, "tree_memory_mb": 10, "deadline_s": 5.0, "memory_mb": 1}
        assert apply_verdict(outcome, verdict) == outcome


def test_settings_make_every_folder_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from grader.cache import EvidenceCache
    from grader.pipeline import GradeSettings, cache_from, rubric_from

    monkeypatch.chdir(tmp_path)
    settings = GradeSettings(
        rubric_from("perceptron"), data_dir=Path("data"), cache=EvidenceCache(Path("c")), work_root=Path("w")
    )
    assert settings.data_dir == tmp_path / "data"
    assert settings.work_root == tmp_path / "w"
    assert settings.cache is not None and settings.cache.root == tmp_path / "c"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    default = cache_from(None, False)
    assert default is not None and default.root == tmp_path / "relative-cache" / "grader"


RUBRIC = """schema: 1
name: faults
title: Faults
items:
  - {id: runs, title: It runs, check: runs, points: 2}
"""


def test_grade_exits_3_with_status_error_and_a_reason_for_the_instructor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from grader.cli import main

    launch_module = importlib.import_module("grader.execute.launch")  # the module, not its function

    (tmp_path / "rubric.yaml").write_text(RUBRIC, encoding="utf-8")
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(new_notebook(cells=[new_code_cell("print(1)")]), subs / "ayu.ipynb")
    missing = str(tmp_path / "nowhere" / "job.json")
    real = launch_module.worker_command
    monkeypatch.setattr(launch_module, "worker_command", lambda path, python=None: real(missing, python))
    out = tmp_path / "out"
    code = main(["grade", str(subs), "--rubric", str(tmp_path / "rubric.yaml"), "--out", str(out), "--no-sandbox"])
    err = capsys.readouterr().err
    assert code == 3
    assert "grader failed" in err and "FileNotFoundError" in err and "Traceback" not in err
    data = json.loads((out / "ayu.json").read_text(encoding="utf-8"))
    assert data["status"] == "error"
    assert data["score"] == 0
    assert GRADER_FAULT in data["reason"] and "FileNotFoundError" in data["reason"]
    item = data["items"][0]
    assert item["judged"] is False and item["needs_review"] is True
    assert "not your doing" in json.dumps(item)
    assert "did the notebook" not in (out / "ayu.html").read_text(encoding="utf-8")
