"""The sandbox's parts without a kernel: the bwrap command, limits, verdicts, cgroups."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

import grader.sandbox as sandbox_pkg
from grader.models.execution import CellRun, ExecutionJob, ExecutionOutcome, RunStatus
from grader.sandbox import Sandbox, SandboxLimits, cgroups, limits, mounts, verdict
from grader.sandbox.supervise import student_processes, watch

from . import REPO, needs_sandbox


def _job(tmp_path: Path, **extra) -> ExecutionJob:
    for name in ("work", "evidence", "out", "home"):
        (tmp_path / name).mkdir(exist_ok=True)
    return ExecutionJob(
        notebook=str(tmp_path / "work" / "nb.ipynb"),
        workdir=str(tmp_path / "work"),
        evidence_dir=str(tmp_path / "evidence"),
        out_dir=str(tmp_path / "out"),
        kernel_env={"HOME": str(tmp_path / "home")},
        notebook_timeout=100,
        **extra,
    )


def _mounts(argv: list[str], flag: str) -> list[str]:
    return [argv[i + 2] for i, a in enumerate(argv[:-2]) if a == flag]


def test_bwrap_command_whitelists_python_grader_and_workspace(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(mounts, "bwrap_path", lambda: "/usr/bin/bwrap")
    monkeypatch.setenv("GRADER_SECRET_TOKEN", "hunter2")
    data = tmp_path / "shared" / "hcvdat0.csv"
    data.parent.mkdir()
    data.write_text("a,b\n")
    job = _job(tmp_path, datasets={"hcvdat0.csv": str(data)})
    argv = mounts.bwrap_command(["python", "-m", "grader.execute.worker", "job.json"], job, tmp_bytes=1 << 20, env={})
    read_only, writable = _mounts(argv, "--ro-bind"), _mounts(argv, "--bind")
    assert str(REPO / "grader") in read_only
    assert sys.prefix in read_only and sys.base_prefix in read_only
    assert str(data) in read_only  # a staged file outside the workspace, alone
    assert not any(p in (str(REPO), str(REPO / "reference"), str(REPO / "rubrics"), "/") for p in read_only + writable)
    assert sorted(writable) == sorted(str(tmp_path / n) for n in ("work", "evidence", "home"))
    assert str(tmp_path / "out") in read_only and str(tmp_path) in read_only  # reports and "../x" stay out of reach
    for flag in (
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--disable-userns",
    ):
        assert flag in argv
    assert argv[argv.index("--cap-drop") + 1] == "ALL"
    assert "hunter2" not in " ".join(argv)
    assert argv[-4:] == ["python", "-m", "grader.execute.worker", "job.json"]
    root_ro = [i for i, a in enumerate(argv[:-1]) if a == "--remount-ro" and argv[i + 1] == "/"]
    assert root_ro and root_ro[0] > max(i for i, a in enumerate(argv) if a in ("--bind", "--ro-bind"))


def test_bundled_rubrics_in_site_packages_are_hidden(tmp_path: Path, monkeypatch) -> None:
    site = tmp_path / "venv" / "site-packages"
    (site / "grader" / "_bundled" / "rubrics").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    assert str(site / "grader" / "_bundled") in mounts.hidden_dirs([str(tmp_path / "venv")])
    assert not any(p.startswith(str(tmp_path)) for p in mounts.hidden_dirs([str(tmp_path / "elsewhere")]))


def test_rlimits_and_cpu_default(monkeypatch) -> None:
    monkeypatch.setattr(limits, "usable_cores", lambda: 4)
    table = limits.rlimits(SandboxLimits(), notebook_timeout=600, nproc=False)
    assert table[resource.RLIMIT_AS] == (4096 * 2**20, 4096 * 2**20)
    assert table[resource.RLIMIT_CPU] == ((600 + 120) * 4, (600 + 120) * 4 + 5)  # training uses every core
    assert table[resource.RLIMIT_FSIZE] == (512 * 2**20, 512 * 2**20)
    assert table[resource.RLIMIT_NOFILE] == (1024, 1024)
    assert table[resource.RLIMIT_CORE] == (0, 0)
    assert resource.RLIMIT_NPROC not in table
    assert limits.rlimits(SandboxLimits(cpu_s=30), 600, nproc=True)[resource.RLIMIT_CPU] == (30, 35)
    assert json.loads(SandboxLimits(cpu_s=30).to_env(600))["cpu_s"] == 30


def test_describe_names_each_limit_and_how() -> None:
    lines = Sandbox(SandboxLimits(memory_mb=2048, processes=99)).describe()
    text = "\n".join(lines)
    assert "memory 2048 MB per process (RLIMIT_AS)" in text
    assert "RLIMIT_CPU" in text and "RLIMIT_FSIZE" in text and "RLIMIT_NOFILE" in text
    assert "processes 99" in text or "processes: not limited" in text
    assert "network: none" in text


def test_unavailable_sandbox_says_why(monkeypatch) -> None:
    monkeypatch.setattr(sandbox_pkg, "bwrap_path", lambda: None)
    sandbox_pkg.sandbox_available.cache_clear()
    try:
        ok, why = sandbox_pkg.sandbox_available()
        assert not ok and "bwrap" in why and "\n" not in why
        with pytest.raises(sandbox_pkg.SandboxUnavailable):
            Sandbox().command(["true"], ExecutionJob(notebook="n", workdir="w", evidence_dir="e", out_dir="o"))
    finally:
        sandbox_pkg.sandbox_available.cache_clear()


VERDICT = {
    "memory_mb": 1024,
    "tree_memory_mb": 1536,
    "processes": 64,
    "file_size_mb": 16,
    "open_files": 100,
    "deadline_s": 90.0,
}


def _outcome(tmp_path: Path, cells: tuple[CellRun, ...], status: RunStatus = "kernel_died") -> ExecutionOutcome:
    return ExecutionOutcome(
        status=status,
        reason="the kernel died: it was killed",
        cells=cells,
        duration_s=1.0,
        executed_notebook=None,
        evidence_dir=str(tmp_path),
    )


def test_verdict_names_the_tripped_limit(tmp_path: Path) -> None:
    cells = (CellRun(0, "ok"), CellRun(1, "not_run", "the kernel died while running this cell"), CellRun(2, "not_run"))
    done = verdict.apply_verdict(_outcome(tmp_path, cells), {**VERDICT, "limit": "processes"})
    assert done.status == "kernel_died"
    assert done.reason == "the kernel was killed: it started more than 64 processes or threads"
    assert [c.error for c in done.cells] == [None, done.reason, None]


def test_verdict_adds_the_limit_to_limit_errors(tmp_path: Path) -> None:
    cells = (
        CellRun(0, "error", "MemoryError: Unable to allocate 8 GiB"),
        CellRun(1, "error", "OSError: [Errno 27] File too large"),
    )
    done = verdict.apply_verdict(_outcome(tmp_path, cells, status="completed"), {**VERDICT, "limit": None})
    assert done.status == "completed" and done.reason == "the kernel died: it was killed"
    assert done.cells[0].error.endswith("(sandbox limit: 1024 MB of memory per process)")
    assert done.cells[1].error.endswith("(sandbox limit: files up to 16 MB)")


def test_verdict_memory_and_deadline(tmp_path: Path) -> None:
    done = verdict.apply_verdict(_outcome(tmp_path, ()), {**VERDICT, "limit": "memory"})
    assert done.status == "kernel_died" and "more than 1536 MB of memory" in done.reason
    late = verdict.apply_verdict(_outcome(tmp_path, (), status="kernel_died"), {**VERDICT, "limit": "deadline"})
    assert late.status == "timeout" and "hard limit of 90 s" in late.reason
    finished = verdict.apply_verdict(_outcome(tmp_path, (), status="completed"), {**VERDICT, "limit": "deadline"})
    assert finished.status == "completed"


def test_student_processes_spare_bwrap_reaper_and_executor(monkeypatch) -> None:
    # pid: (parent, start time) - 10 bwrap, 11 its reaper, 12 executor, 13 kernel, 14 its child,
    # 15 an orphan re-parented to the reaper (started after the executor)
    table = {10: (1, 100), 11: (10, 101), 12: (11, 102), 13: (12, 150), 14: (13, 160), 15: (11, 170)}
    monkeypatch.setattr("grader.sandbox.supervise._stat", table.get)
    assert student_processes(set(table), 10) == {13, 14, 15}


@pytest.mark.sandbox
@needs_sandbox
def test_cgroup_is_limited_swept_and_removed() -> None:
    if not cgroups.cgroup_support()[0]:
        pytest.skip("no writable cgroup here")
    group = cgroups.create_job_cgroup(processes=7, memory_bytes=300 * 2**20)
    assert group is not None
    try:
        if "pids" in group.dirs:
            assert Path(group.dirs["pids"], "pids.max").read_text().strip() == "7"
        parent = os.path.dirname(next(iter(group.dirs.values())))
        stale = Path(parent, "job-999999999-dead")  # no such process: its owner was killed
        stale.mkdir()
        assert group.tripped() is None and group.pids() == set()
        cgroups.sweep_stale(parent)
        assert not stale.exists()
    finally:
        group.remove()
    assert not any(os.path.exists(d) for d in group.dirs.values())


def test_supervisor_deadline_kills_a_hung_run() -> None:
    process = subprocess.Popen(["sleep", "30"])
    start = time.monotonic()
    assert watch(process, None, deadline_s=0.5) == "deadline"
    assert process.poll() is not None and time.monotonic() - start < 5


def test_a_grading_environment_and_its_base_python_are_mounted_read_only(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(mounts, "bwrap_path", lambda: "/usr/bin/bwrap")
    env = tmp_path / "envs" / "colab-0123456789ab"
    (env / "bin").mkdir(parents=True)
    base = tmp_path / "base"
    (base / "bin").mkdir(parents=True)
    (env / "pyvenv.cfg").write_text(f"home = {base / 'bin'}\nrelocatable = true\n")
    (tmp_path / "job").mkdir()
    (tmp_path / "plain").mkdir()
    job = _job(tmp_path / "job", python=str(env / "bin" / "python"))
    argv = mounts.bwrap_command(["python", "-m", "grader.execute.worker", "job.json"], job, tmp_bytes=1 << 20, env={})
    read_only, writable = _mounts(argv, "--ro-bind"), _mounts(argv, "--bind")
    assert str(env) in read_only and str(base) in read_only and str(env) not in writable
    path = argv[argv.index("PATH", argv.index("--setenv")) + 1]
    assert path.split(":")[0] == str(env / "bin")
    plain = mounts.bwrap_command(["python"], _job(tmp_path / "plain"), tmp_bytes=1 << 20, env={})
    assert str(env) not in _mounts(plain, "--ro-bind")
