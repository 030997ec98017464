"""Stopping every run at once (Ctrl-C, SIGTERM): no new notebook starts, the running ones are killed.

``launch`` registers each worker process while it runs; :func:`request_stop` (safe in a signal
handler) kills their process groups (the worker, the sandbox and the kernel in it), and from then
on a launch raises :class:`~grader.errors.GradingStopped` instead of starting, or instead of
returning the outcome of a run it killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterator

_lock = threading.RLock()
_running: set[subprocess.Popen[bytes]] = set()
_stop = threading.Event()


def stopping() -> bool:
    """Whether a stop was asked for."""
    return _stop.is_set()


def request_stop() -> None:
    """Start nothing more and kill every running worker's process group."""
    _stop.set()
    with _lock:
        running = list(_running)
    for process in running:
        _kill(process)


def reset() -> None:
    """Allow runs again (a new grading in the same process, tests)."""
    _stop.clear()


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc): a kernel runs in a session of its own."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found.extend(below)
        todo.extend(below)
    return found


def _kill(process: subprocess.Popen[bytes]) -> None:
    groups = {process.pid}
    for pid in _descendants(process.pid):
        with contextlib.suppress(OSError):
            groups.add(os.getpgid(pid))
    groups.discard(os.getpgrp())  # never the grader's own group
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)


@contextlib.contextmanager
def registered(process: subprocess.Popen[bytes]) -> Iterator[None]:
    """Keep ``process`` killable by :func:`request_stop` while the block runs (killed at once
    when a stop came while it was starting)."""
    with _lock:
        _running.add(process)
    if _stop.is_set():
        _kill(process)
    try:
        yield
    finally:
        with _lock:
            _running.discard(process)
