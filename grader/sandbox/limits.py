"""Resource limits of one sandboxed run: what they are, how they are applied, how they read.

Per-process limits are POSIX rlimits, set in the child just before it becomes bubblewrap, so
every process in the sandbox inherits them.  Limits on the whole process tree (memory of all
processes together, number of processes) need a cgroup - see :mod:`grader.sandbox.cgroups`.
"""

from __future__ import annotations

import json
import os
import resource
from dataclasses import asdict, dataclass

CPU_MARGIN_S = 120
"""CPU seconds granted beyond the notebook's wall-clock limit (imports, start-up)."""
TREE_MEMORY_EXTRA_MB = 512
"""The cgroup memory limit covers nbclient and bubblewrap as well as the kernel."""
LIMITS_ENV = "GRADER_SANDBOX_LIMITS"
"""Environment variable that tells the executor, inside the sandbox, which limits hold."""


@dataclass(frozen=True)
class SandboxLimits:
    """Limits for one notebook run."""

    memory_mb: int = 4096
    """Address space of each process (RLIMIT_AS), and the base of the cgroup memory limit."""
    cpu_s: int | None = None
    """CPU seconds per process (RLIMIT_CPU); None: from the notebook timeout (see cpu_seconds)."""
    file_size_mb: int = 512
    """Largest file a process may write (RLIMIT_FSIZE); also the size of the private /tmp."""
    open_files: int = 1024
    """Open file descriptors per process (RLIMIT_NOFILE)."""
    processes: int = 256
    """Processes and threads of the whole sandbox (cgroup pids; RLIMIT_NPROC when not root)."""
    disk_mb: int = 2048
    """Disk for the notebook's working folder, home and /tmp together: one size-limited tmpfs
    (where bubblewrap has ``--size``); a write past it fails with "No space left on device"."""
    evidence_mb: int = 1024
    """The evidence folder's own tmpfs (the probe's records stay writable when the disk is full)."""

    def cpu_seconds(self, notebook_timeout: float) -> int:
        """The CPU-time limit for a run with this wall-clock limit.

        TensorFlow trains on every core, so one process may burn ``cores`` CPU seconds per
        wall second; a limit of "notebook timeout + margin" alone would kill honest training
        on a multi-core machine.  The wall clock is enforced by the executor already.
        """
        if self.cpu_s is not None:
            return self.cpu_s
        return int((notebook_timeout + CPU_MARGIN_S) * usable_cores())

    def tree_memory_mb(self) -> int:
        """The cgroup memory limit for the whole sandbox.

        It does not grow by the disk quota: a tmpfs keeps its files in memory, charged to the
        run's cgroup, so the files on the notebook's disk count against this limit too.  The
        run then never takes more of the machine's memory than before the quota existed; a
        notebook that fills both meets whichever limit comes first (each is named in words).
        A rubric raising ``disk_mb`` near ``memory_mb`` should raise ``memory_mb`` as well.
        """
        return self.memory_mb + TREE_MEMORY_EXTRA_MB

    def to_env(self, notebook_timeout: float) -> str:
        """JSON for :data:`LIMITS_ENV` (read by the executor to word a kernel's death)."""
        data = asdict(self)
        data["cpu_s"] = self.cpu_seconds(notebook_timeout)
        return json.dumps(data, sort_keys=True)


def usable_cores() -> int:
    """CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def rlimits(limits: SandboxLimits, notebook_timeout: float, nproc: bool) -> dict[int, tuple[int, int]]:
    """The rlimits to set (resource constant -> (soft, hard)).

    The CPU hard limit sits a little above the soft one: the soft limit sends SIGXCPU (a
    clear exit signal), the hard one SIGKILL should SIGXCPU be caught.
    """
    cpu = limits.cpu_seconds(notebook_timeout)
    mb = 1024 * 1024
    table = {
        resource.RLIMIT_AS: (limits.memory_mb * mb, limits.memory_mb * mb),
        resource.RLIMIT_CPU: (cpu, cpu + 5),
        resource.RLIMIT_FSIZE: (limits.file_size_mb * mb, limits.file_size_mb * mb),
        resource.RLIMIT_NOFILE: (limits.open_files, limits.open_files),
        resource.RLIMIT_CORE: (0, 0),  # a crashing kernel must not leave a core file behind
    }
    if nproc:
        table[resource.RLIMIT_NPROC] = (limits.processes, limits.processes)
    return table


def apply_rlimits(table: dict[int, tuple[int, int]]) -> None:
    """Set rlimits on the calling process (run in the child between fork and exec)."""
    for which, (soft, hard) in table.items():
        _, current_hard = resource.getrlimit(which)
        if current_hard != resource.RLIM_INFINITY:
            # an unprivileged caller cannot raise a hard limit: keep the stricter one
            hard = min(hard, current_hard)
            soft = min(soft, hard)
        resource.setrlimit(which, (soft, hard))
