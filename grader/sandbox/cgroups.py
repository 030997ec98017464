"""A cgroup per sandboxed run: limits on the whole process tree, and a way to kill all of it.

RLIMIT_NPROC does not stop root (nor a user namespace mapped to root), and RLIMIT_AS is per
process, so the number of processes and the memory of the tree need the ``pids`` and
``memory`` controllers.  cgroup v1 (one hierarchy per controller) and v2 (one unified
hierarchy) are both handled.  Each run gets ``<our cgroup>/grader-sandbox/job-<pid>-<hex>``;
``<pid>`` is the supervisor that owns it, so a directory whose owner died (killed with
SIGKILL, before it could clean up) is recognised and removed by the next run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import time
from dataclasses import dataclass

CONTROLLERS = ("pids", "memory")
GROUP_DIR = "grader-sandbox"
_MOUNTINFO = "/proc/self/mountinfo"


def _read(path: str) -> str:
    with open(path, encoding="ascii", errors="replace") as handle:
        return handle.read()


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(text)


def _counter(text: str, name: str) -> int:
    """The value of ``name N`` in a flat-keyed cgroup file (pids.events, memory.events...)."""
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == name:
            with contextlib.suppress(ValueError):
                return int(parts[1])
    return 0


def _own_paths() -> dict[str, str]:
    """This process's cgroup path per v1 controller, and under "" its v2 path."""
    paths: dict[str, str] = {}
    for line in _read("/proc/self/cgroup").splitlines():
        number, controllers, path = line.split(":", 2)
        if number == "0" and controllers == "":
            paths[""] = path
        for name in controllers.split(","):
            if name:
                paths[name] = path
    return paths


def _mounts() -> dict[str, tuple[str, str]]:
    """Mount point and mount root per v1 controller, and under "" the v2 hierarchy."""
    found: dict[str, tuple[str, str]] = {}
    for line in _read(_MOUNTINFO).splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) < 5 or len(tail) < 3:
            continue
        root, point, fstype, options = fields[3], fields[4], tail[0], tail[2].split(",")
        if fstype == "cgroup2":
            found.setdefault("", (point, root))
        elif fstype == "cgroup":
            for name in CONTROLLERS:
                if name in options:
                    found.setdefault(name, (point, root))
    return found


def _inside(point: str, root: str, path: str) -> str | None:
    """Where cgroup ``path`` (as /proc/self/cgroup names it) is on the file system."""
    if root != "/" and not (path == root or path.startswith(root.rstrip("/") + "/")):
        return None
    relative = os.path.relpath(path, root) if root != "/" else path.lstrip("/")
    return os.path.normpath(os.path.join(point, relative))


@dataclass
class JobCgroup:
    """The cgroup directories of one run: controller -> directory (one shared dir on v2)."""

    dirs: dict[str, str]
    version: int

    def _file(self, controller: str, name: str) -> str:
        return os.path.join(self.dirs[controller], f"{controller}.{name}")

    def set_limits(self, processes: int, memory_bytes: int) -> None:
        """Write pids.max and the memory limit (swap included where the kernel has it)."""
        if "pids" in self.dirs:
            _write(self._file("pids", "max"), str(processes))
        if "memory" in self.dirs:
            if self.version == 1:
                _write(self._file("memory", "limit_in_bytes"), str(memory_bytes))
                with contextlib.suppress(OSError):  # absent without swap accounting
                    _write(self._file("memory", "memsw.limit_in_bytes"), str(memory_bytes))
            else:
                _write(self._file("memory", "max"), str(memory_bytes))
                with contextlib.suppress(OSError):
                    _write(self._file("memory", "swap.max"), "0")

    def join(self, pid: int = 0) -> None:
        """Move ``pid`` (0: the calling process) into every directory of this run."""
        for folder in set(self.dirs.values()):
            _write(os.path.join(folder, "cgroup.procs"), str(pid))

    def tripped(self) -> str | None:
        """ "memory" or "processes" once a limit was hit (an OOM kill, a refused fork)."""
        with contextlib.suppress(OSError):
            if "memory" in self.dirs:
                name = "oom_control" if self.version == 1 else "events"
                if _counter(_read(self._file("memory", name)), "oom_kill") > 0:
                    return "memory"
            if "pids" in self.dirs and _counter(_read(self._file("pids", "events")), "max") > 0:
                return "processes"
        return None

    def peak_memory_bytes(self) -> int | None:
        """The most memory the tree used at once, where the kernel reports it."""
        if "memory" not in self.dirs:
            return None
        name = "max_usage_in_bytes" if self.version == 1 else "peak"
        try:
            return int(_read(self._file("memory", name)).split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def pids(self) -> set[int]:
        """Every process in the run's cgroup(s)."""
        found: set[int] = set()
        for folder in set(self.dirs.values()):
            with contextlib.suppress(OSError):
                found.update(int(p) for p in _read(os.path.join(folder, "cgroup.procs")).split())
        return found

    def kill_all(self, timeout: float = 5.0) -> bool:
        """SIGKILL every process until the cgroup is empty (forks racing the kill included)."""
        deadline = time.monotonic() + timeout
        while True:
            pids = self.pids()
            if not pids:
                return True
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)

    def remove(self) -> None:
        """Kill what is left and delete the directories."""
        self.kill_all()
        for folder in set(self.dirs.values()):
            for _ in range(50):  # a killed task leaves the cgroup a moment after it dies
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError as exc:
                    if exc.errno != errno.EBUSY:
                        break
                    time.sleep(0.05)


def _parents() -> tuple[dict[str, str], int] | None:
    """Writable parent folders (controller -> ``.../grader-sandbox``), preferring v1."""
    own, mounts = _own_paths(), _mounts()
    parents: dict[str, str] = {}
    for name in CONTROLLERS:
        if name in mounts and name in own:
            where = _inside(*mounts[name], own[name])
            if where and os.access(where, os.W_OK):
                parents[name] = os.path.join(where, GROUP_DIR)
    if parents:
        return parents, 1
    if "" in mounts and "" in own:
        where = _inside(*mounts[""], own[""])
        if where and os.access(where, os.W_OK) and _delegate_v2(where):
            folder = os.path.join(where, GROUP_DIR)
            return {name: folder for name in CONTROLLERS}, 2
    return None


def _delegate_v2(where: str) -> bool:
    """Enable pids+memory for ``where/grader-sandbox``'s children; False where v2 refuses.

    The "no internal processes" rule forbids this when our own cgroup holds processes
    (usually: the grader itself) and is not the root - then no v2 limits are possible here.
    """
    try:
        enabled = _read(os.path.join(where, "cgroup.subtree_control")).split()
        if not all(c in enabled for c in CONTROLLERS):
            _write(os.path.join(where, "cgroup.subtree_control"), " ".join(f"+{c}" for c in CONTROLLERS))
        folder = os.path.join(where, GROUP_DIR)
        os.makedirs(folder, exist_ok=True)
        _write(os.path.join(folder, "cgroup.subtree_control"), " ".join(f"+{c}" for c in CONTROLLERS))
        return True
    except OSError:
        return False


def cgroup_support() -> tuple[list[str], str]:
    """(controllers usable for a run, a short note on why the others are not)."""
    try:
        found = _parents()
    except OSError as exc:
        return [], f"cgroups unreadable ({exc.strerror})"
    if found is None:
        return [], "no writable pids/memory cgroup (v1 or delegated v2)"
    parents, version = found
    missing = [c for c in CONTROLLERS if c not in parents]
    note = f"cgroup v{version}" + (f"; no {', '.join(missing)} controller" if missing else "")
    return sorted(parents), note


def create_job_cgroup(processes: int, memory_bytes: int) -> JobCgroup | None:
    """Make (and limit) a fresh cgroup for one run owned by this process; None where impossible."""
    found = _parents()
    if found is None:
        return None
    parents, version = found
    name = f"job-{os.getpid()}-{secrets.token_hex(4)}"
    dirs: dict[str, str] = {}
    for controller, parent in parents.items():
        sweep_stale(parent)
        folder = os.path.join(parent, name)
        if folder not in dirs.values():
            os.makedirs(folder, exist_ok=True)
        dirs[controller] = folder
    group = JobCgroup(dirs=dirs, version=version)
    try:
        group.set_limits(processes, memory_bytes)
    except OSError:
        group.remove()
        raise
    return group


def sweep_stale(parent: str) -> None:
    """Remove run cgroups whose supervisor is gone (it was killed before cleaning up)."""
    with contextlib.suppress(FileNotFoundError):
        for entry in os.listdir(parent):
            parts = entry.split("-")
            if len(parts) != 3 or parts[0] != "job" or not parts[1].isdigit():
                continue
            if _alive(int(parts[1])):
                continue
            JobCgroup(dirs={"stale": os.path.join(parent, entry)}, version=1).remove()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
