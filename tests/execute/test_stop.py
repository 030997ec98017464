"""Stopping every run at once (Ctrl-C): running workers and what they started are killed, and
nothing new starts (no kernel)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from grader.errors import GradingStopped
from grader.execute import stop
from grader.execute.launch import launch
from grader.models.execution import ExecutionJob

# a worker that starts a "kernel" in a session of its own (as jupyter_client does), then waits
WORKER = """
import subprocess, sys, time
kernel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)
print(kernel.pid, flush=True)
time.sleep(120)
"""


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    stop.reset()
    yield
    stop.reset()


def _gone(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] == "Z":  # a zombie: dead, not yet reaped
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def test_a_stop_kills_the_running_worker_and_the_kernel_in_its_own_session() -> None:
    worker = subprocess.Popen([sys.executable, "-c", WORKER], stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert worker.stdout is not None
    kernel = int(worker.stdout.readline())
    with stop.registered(worker):  # type: ignore[arg-type]
        assert not stop.stopping()
        stop.request_stop()
        assert worker.wait(timeout=10) != 0
    assert stop.stopping()
    assert _gone(kernel)


def test_a_worker_registered_after_the_stop_is_killed_at_once() -> None:
    stop.request_stop()
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    with stop.registered(worker):  # type: ignore[arg-type]
        assert worker.wait(timeout=10) != 0


def test_the_grader_itself_is_never_killed() -> None:
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # the grader's own group
    fake = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    with stop.registered(fake):  # type: ignore[arg-type]
        stop.request_stop()
    assert fake.wait(timeout=10) != 0
    assert bystander.poll() is None
    bystander.kill()
    bystander.wait()


def test_no_notebook_starts_once_stopped(tmp_path: Path) -> None:
    notebook = tmp_path / "work" / "nb.ipynb"
    notebook.parent.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), str(notebook))
    job = ExecutionJob(
        notebook=str(notebook),
        workdir=str(notebook.parent),
        evidence_dir=str(tmp_path / "evidence"),
        out_dir=str(tmp_path / "out"),
    )
    stop.request_stop()
    with pytest.raises(GradingStopped):
        launch(job)
    assert not (tmp_path / "out" / "outcome.json").exists()
    assert not (tmp_path / "out" / "launch.log").read_bytes()  # no worker ever wrote to it
