"""Run the notebook worker (nbclient and the kernel together) inside bubblewrap.

A ``Sandbox`` plugs into ``execute_notebook(..., wrap=Sandbox(...))``: its ``command`` turns
the worker command into a sandboxed one, and its ``conclude`` names the limit its supervisor
saw trip in the run's outcome.  It is the executor's ``Confinement`` by shape only: this
package does not import ``grader.execute``, nor that one this.

Inside: the system and Python read-only, only this job's workspace writable, a private /tmp,
no network but loopback, no view of other submissions, rubrics or reference solutions;
rlimits on every process and a cgroup on the whole tree.  See ``describe()`` for the limits
actually in force on this machine.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from typing import Any

from ..errors import SandboxUnavailable
from ..fileio import write_json_atomic
from ..models.execution import HARD_LIMIT_MARGIN_S, ExecutionJob, ExecutionOutcome
from .cgroups import cgroup_support
from .limits import LIMITS_ENV, SandboxLimits, rlimits, usable_cores
from .mounts import bwrap_command, bwrap_options, bwrap_path, namespace_args, quota_root, reader_command
from .verdict import apply_verdict

__all__ = ["Sandbox", "SandboxLimits", "sandbox_available"]

SPEC_FILE = "sandbox.json"


@functools.cache
def sandbox_available() -> tuple[bool, str]:
    """(True, "") when bubblewrap can build the sandbox here, else (False, one-line reason)."""
    bwrap = bwrap_path()
    if bwrap is None:
        return False, "bubblewrap (bwrap) is not installed - install it, or grade with --no-sandbox"
    probe = [
        bwrap,
        *namespace_args(bwrap_options(bwrap)),
        "--die-with-parent",
        "--cap-drop",
        "ALL",
        "--ro-bind",
        "/",
        "/",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--",
        "true",
    ]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bubblewrap cannot run here ({exc})"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return False, f"bubblewrap cannot create namespaces here: {last[:160]}"
    return True, ""


def disk_quota_for(job: ExecutionJob) -> bool:
    """Whether this job's notebook gets the disk quota (one size-limited tmpfs; see ``quota_root``)."""
    bwrap = bwrap_path()
    return bwrap is not None and quota_root(job, bwrap_options(bwrap)) is not None


@functools.cache
def _tree_limits() -> tuple[list[str], str]:
    """Cgroup controllers usable for runs, and a note on the others (checked once)."""
    return cgroup_support()


class Sandbox:
    """Wraps worker commands in bubblewrap with ``limits``; names the limit that stopped a run."""

    def __init__(self, limits: SandboxLimits = SandboxLimits()) -> None:  # noqa: B008 - frozen, so sharing is safe
        self.limits = limits

    def _nproc_rlimit(self, controllers: list[str]) -> bool:
        # RLIMIT_NPROC is useless for root (never enforced) and redundant with the cgroup
        return "pids" not in controllers and os.geteuid() != 0

    def command(self, argv: list[str], job: ExecutionJob) -> list[str]:
        """The sandboxed form of ``argv``: the supervisor, which runs it in bubblewrap."""
        ok, why = sandbox_available()
        if not ok:
            raise SandboxUnavailable(why)
        controllers, _ = _tree_limits()
        limits = self.limits
        env = {LIMITS_ENV: limits.to_env(job.notebook_timeout)}
        table = rlimits(limits, job.notebook_timeout, nproc=self._nproc_rlimit(controllers))
        quota = disk_quota_for(job)
        command = bwrap_command(
            argv,
            job,
            tmp_bytes=limits.file_size_mb * 1024 * 1024,
            env=env,
            disk_mb=limits.disk_mb if quota else None,
            evidence_mb=limits.evidence_mb,
        )
        spec = {
            "command": command,
            "rlimits": [[which, soft, hard] for which, (soft, hard) in table.items()],
            "cgroup": bool(controllers),
            "processes": limits.processes,
            "memory_mb": limits.memory_mb,
            "tree_memory_mb": limits.tree_memory_mb(),
            "disk_mb": limits.disk_mb if quota else None,
            "file_size_mb": limits.file_size_mb,
            "open_files": limits.open_files,
            # below the launcher's own hard limit, so the supervisor (not a SIGKILL) ends it
            "deadline_s": job.notebook_timeout + HARD_LIMIT_MARGIN_S / 2,
            "notebook": job.notebook,
            "out_dir": job.out_dir,
            "evidence_dir": job.evidence_dir,
        }
        os.makedirs(job.out_dir, exist_ok=True)
        path = os.path.join(job.out_dir, SPEC_FILE)
        write_json_atomic(path, spec)
        return [sys.executable, "-m", "grader.sandbox.supervise", path]

    def reader(self, argv: list[str], *, python: str | None, readable: list[str]) -> list[str]:
        """The sandboxed form of a process that only reads ``readable`` (the re-evaluation worker
        loading a run's saved models): everything read-only, a private /tmp, no network."""
        ok, why = sandbox_available()
        if not ok:
            raise SandboxUnavailable(why)
        return reader_command(argv, python=python, readable=readable, tmp_bytes=self.limits.file_size_mb * 1024 * 1024)

    def conclude(self, outcome: ExecutionOutcome, verdict: dict[str, Any]) -> ExecutionOutcome:
        """``outcome`` with the supervisor's verdict applied (the tripped limit named, in words)."""
        return apply_verdict(outcome, verdict)

    def describe(self) -> list[str]:
        """The limits in force on this machine, one line each, in words."""
        limits = self.limits
        controllers, note = _tree_limits()
        cpu = (
            f"CPU time {limits.cpu_s} s per process (RLIMIT_CPU)"
            if limits.cpu_s is not None
            else f"CPU time (notebook timeout + 120 s) x {usable_cores()} cores per process (RLIMIT_CPU)"
        )
        bwrap = bwrap_path()
        sized = bwrap is not None and "--size" in bwrap_options(bwrap)
        lines = [f"memory {limits.memory_mb} MB per process (RLIMIT_AS)"]
        if "memory" in controllers:
            files = " and the files on their disk (tmpfs)" if sized else ""
            lines.append(f"memory {limits.tree_memory_mb()} MB for all processes together{files} ({note} memory)")
        else:
            lines.append(f"memory of all processes together: not limited ({note})")
        if sized:
            disk = (
                f"disk {limits.disk_mb} MB for the notebook's folder, home and /tmp together, "
                f"{limits.evidence_mb} MB for the evidence (tmpfs, copied out after the run)"
            )
        else:
            disk = "disk: not limited (bubblewrap without --size); private /tmp (tmpfs, size not limited)"
        lines += [
            cpu,
            f"file size {limits.file_size_mb} MB (RLIMIT_FSIZE)",
            disk,
            f"open files {limits.open_files} (RLIMIT_NOFILE)",
        ]
        if "pids" in controllers:
            lines.append(f"processes {limits.processes}, threads included ({note} pids)")
        elif self._nproc_rlimit(controllers):
            lines.append(f"processes {limits.processes} (RLIMIT_NPROC)")
        else:
            lines.append(f"processes: not limited (running as root and {note})")
        lines += [
            "network: none (own network namespace, loopback only)",
            "files: system and Python read-only; only this run's workspace writable; private /tmp; no capabilities",
        ]
        return lines
