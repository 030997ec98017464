"""What a hostile notebook could have touched: snapshots of the host and of the grader process.

Taken before and after a sandboxed run by ``test_hostile_examples.py``; equal snapshots mean
nothing outside the run's workspace changed.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
from pathlib import Path

from . import REPO


def tree_of(folder: Path) -> dict[str, tuple[int, int]]:
    """Names, sizes and mtimes under ``folder`` (tool caches left out)."""
    found: dict[str, tuple[int, int]] = {}
    if not folder.is_dir():
        return found
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache")]
        for name in dirs + files:
            path = Path(here, name)
            try:
                stat = path.lstat()
            except OSError:
                continue
            # a folder's own mtime moves when the grader makes a workspace in it: compare its entries
            found[str(path)] = (0, 0) if path.is_dir() else (stat.st_size, stat.st_mtime_ns)
    return found


def outside(tree: object, workspace: Path) -> dict[str, tuple[int, int]]:
    """``tree`` without the entries of ``workspace`` and below."""
    assert isinstance(tree, dict)
    return {k: v for k, v in tree.items() if k != str(workspace) and not k.startswith(f"{workspace}{os.sep}")}


def names(folder: str) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def host_snapshot(test_root: Path) -> dict[str, object]:
    """Everything outside the run's workspace a hostile notebook aims at."""
    snap: dict[str, object] = {}
    # the repository folders a notebook aims at (not all of it: other tests may write elsewhere);
    # reference/ and rubrics/ are not even mounted, so new names there are what to look for -
    # sizes and mtimes would also catch whoever edits a rubric while the tests run
    for part in ("reference", "rubrics"):
        snap[f"repo/{part}"] = sorted(tree_of(REPO / part))
    for part in ("grader", "submissions_example/hostile"):  # visible inside, read-only
        snap[f"repo/{part}"] = tree_of(REPO / part)
    for folder in ("/", "/etc", "/usr/lib"):  # system folders: nothing else writes there during tests
        snap[f"names {folder}"] = names(folder)
    for path in (REPO.parent / "x", Path("/root/x"), Path("/x")):  # where write_outside aims, besides
        snap[f"exists {path}"] = path.exists()
    snap["test folder"] = tree_of(test_root)
    return snap


def grader_state() -> dict[str, object]:
    """The grader process's own limits, place, environment, files, cgroup and signal handlers."""
    fds = {}
    for fd in names("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the fd that listed the folder is gone already
            fds[fd] = os.readlink(f"/proc/self/fd/{fd}")
    with open("/proc/self/cgroup", encoding="ascii") as handle:
        cgroup = handle.read()
    return {
        "rlimits": {n: resource.getrlimit(getattr(resource, n)) for n in dir(resource) if n.startswith("RLIMIT_")},
        "cwd": os.getcwd(),
        "environ": dict(os.environ),
        "fds": sorted(t for t in fds.values() if not t.startswith(("pipe:", "socket:", "anon_inode:"))),
        "cgroup": cgroup,
        "signals": {
            s.name: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD)
        },
    }


def plant_canaries(root: Path, token: str) -> tuple[str, ...]:
    """An answer key next to the runs and a classmate's workspace beside ours: never to be seen."""
    key = root / f"answer-key-{token}.ipynb"
    key.write_text("{}", encoding="utf-8")
    classmate = root / "runs" / f"run-classmate-{token}" / "work"
    classmate.mkdir(parents=True)
    (classmate / f"classmate-{token}.ipynb").write_text("{}", encoding="utf-8")
    return (key.name, f"classmate-{token}", f"GRADER_HOST_CANARY_{token}")
