"""Hostile notebooks: each limit stops them, the outcome says which, the grader is unharmed.

Small limits keep these quick on a 2-core machine; each test states the seconds it may take.
"""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from grader.sandbox import SandboxLimits

from . import assert_cleaned_up, needs_sandbox, processes_running, run_sandboxed

pytestmark = [pytest.mark.sandbox, pytest.mark.notebook, needs_sandbox]

ALIVE = "print('alive')"


def test_endless_loop_and_long_sleep_time_out_and_later_cells_run(tmp_path: Path) -> None:
    run = run_sandboxed(tmp_path, "while True:\n    pass", "import time\ntime.sleep(60)", ALIVE, cell_timeout=3)
    assert run.statuses() == ["timeout", "timeout", "ok"]
    assert run.outcome.status == "timeout"
    assert run.outcome.reason == "code cell 2 ran past its 3 s limit"  # numbered among code cells
    assert run.printed[2] == "alive\n"
    assert run.seconds < 40
    assert_cleaned_up(run)


def test_per_process_memory_and_file_size_errors_name_the_limit(tmp_path: Path) -> None:
    limits = SandboxLimits(memory_mb=2048, file_size_mb=16)
    run = run_sandboxed(
        tmp_path,
        "import numpy as np\nx = np.ones((40000, 40000))",
        "open('big.bin', 'wb').write(b'0' * (20 * 2**20))",
        "import os\nprint(os.path.getsize('big.bin'))",
        limits=limits,
    )
    assert run.statuses() == ["error", "error", "ok"]
    assert run.outcome.status == "completed"
    memory, size = (c.error for c in run.outcome.cells[:2])
    assert memory.startswith("MemoryError") and "(sandbox limit: 2048 MB of memory per process)" in memory
    assert "File too large" in size and "(sandbox limit: files up to 16 MB)" in size
    assert int(run.printed[2]) <= 16 * 2**20
    # the file lived on the notebook's own disk (the quota tmpfs): not on this machine after the run
    assert not (run.result.workspace.work / "big.bin").exists()


def test_memory_hog_across_processes_is_killed_by_the_memory_limit(tmp_path: Path) -> None:
    hog = (
        "import os, time\n"
        "for _ in range(4):\n"
        "    if os.fork() == 0:\n"
        "        block = bytearray(700 * 2**20)\n"
        "        block[::4096] = b'1' * len(block[::4096])\n"
        "        time.sleep(120)\n"
        "        os._exit(0)\n"
        "time.sleep(120)"
    )
    run = run_sandboxed(tmp_path, hog, ALIVE, limits=SandboxLimits(memory_mb=1536), cell_timeout=90)
    assert run.outcome.status == "kernel_died"
    assert run.outcome.reason == (
        "the kernel was killed: it used more than 2048 MB of memory "
        "(all of the notebook's processes together, and the files on its disk)"
    )
    assert run.statuses() == ["not_run", "not_run"]
    assert run.outcome.cells[0].error == run.outcome.reason
    assert run.facts()["tripped"] == "memory"
    assert run.seconds < 60
    assert_cleaned_up(run)


def test_process_spawner_is_stopped_by_the_pids_limit(tmp_path: Path) -> None:
    spawner = "import subprocess\nkids = [subprocess.Popen(['sleep', '3141']) for _ in range(200)]"
    run = run_sandboxed(tmp_path, spawner, ALIVE, limits=SandboxLimits(processes=64))
    assert run.outcome.status == "kernel_died"
    assert run.outcome.reason == "the kernel was killed: it started more than 64 processes or threads"
    assert run.facts()["tripped"] == "processes"
    assert processes_running("sleep", "3141") == []
    assert run.seconds < 30
    assert_cleaned_up(run)


def test_cpu_time_limit_kills_with_a_clear_reason(tmp_path: Path) -> None:
    run = run_sandboxed(tmp_path, "while True:\n    pass", ALIVE, limits=SandboxLimits(cpu_s=8), cell_timeout=60)
    assert run.outcome.status == "kernel_died"
    assert run.outcome.reason == "the kernel died: it used more than 8 s of CPU time"
    assert run.statuses() == ["not_run", "not_run"]
    assert run.outcome.cells[0].error == run.outcome.reason
    assert run.seconds < 40


def test_os_exit_is_a_dead_kernel_with_a_clear_reason(tmp_path: Path) -> None:
    run = run_sandboxed(tmp_path, "import os\nos._exit(3)", ALIVE)
    assert run.outcome.status == "kernel_died"
    assert run.outcome.reason == "the kernel exited with status 3 (os._exit or a crash)"
    assert run.statuses() == ["not_run", "not_run"]
    assert run.outcome.cells[0].error == run.outcome.reason  # the cell it died in says why
    assert run.seconds < 30
    assert_cleaned_up(run)


def test_the_grader_process_is_unharmed(tmp_path: Path) -> None:
    before = [resource.getrlimit(r) for r in (resource.RLIMIT_AS, resource.RLIMIT_NPROC, resource.RLIMIT_CPU)]
    with open("/proc/self/cgroup") as handle:
        cgroups = handle.read()
    run = run_sandboxed(tmp_path, "import os, signal\nos.kill(1, signal.SIGKILL)\nos.killpg(0, signal.SIGKILL)", ALIVE)
    assert run.outcome.status in ("kernel_died", "completed", "error")
    assert [resource.getrlimit(r) for r in (resource.RLIMIT_AS, resource.RLIMIT_NPROC, resource.RLIMIT_CPU)] == before
    with open("/proc/self/cgroup") as handle:
        assert handle.read() == cgroups
    again = run_sandboxed(tmp_path / "again", ALIVE)
    assert again.outcome.status == "completed"
