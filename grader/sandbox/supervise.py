"""The process that owns one sandboxed run: ``python -m grader.sandbox.supervise SPEC.json``.

It stays outside the sandbox: it makes the run's cgroup, starts bubblewrap inside it with
the rlimits set, watches the cgroup's counters, and when a tree-wide limit trips kills the
kernel and everything it started (the executor survives and records the death).  At the end
it kills whatever is left, names the limit in the outcome and removes the cgroup.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

from .. import channel
from ..fileio import write_json_atomic
from .cgroups import JobCgroup, create_job_cgroup
from .limits import apply_rlimits

POLL_S = 0.1
RUN_FILE = "sandbox-run.json"


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time) of a process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()  # the name in (...) may hold spaces
    return int(fields[1]), int(fields[19])


def student_processes(pids: set[int], bwrap_pid: int) -> set[int]:
    """Every process of the run except bubblewrap, its pid-1 reaper and the executor.

    bubblewrap (outside) -> its reaper (pid 1 inside) -> the executor -> the kernel -> ...
    Orphans are re-parented to the reaper, next to the executor: the executor is the
    reaper's child that started first.
    """
    info = {pid: s for pid in pids if (s := _stat(pid)) is not None}
    reapers = {pid for pid, (ppid, _) in info.items() if ppid == bwrap_pid}
    children = [(start, pid) for pid, (ppid, start) in info.items() if ppid in reapers]
    keep = {bwrap_pid} | reapers | ({min(children)[1]} if children else set())
    return set(info) - keep


def _kill(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _enter(group: JobCgroup | None, rlimits: list[list[int]]):
    """The child's last steps before exec'ing bubblewrap (async-signal-safe enough)."""

    def enter() -> None:
        if group is not None:
            group.join(os.getpid())
        apply_rlimits({which: (soft, hard) for which, soft, hard in rlimits})

    return enter


def watch(process: subprocess.Popen[bytes], group: JobCgroup | None, deadline_s: float) -> str | None:
    """Wait for bubblewrap to exit; return the limit that tripped (None: none did)."""
    tripped: str | None = None
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            process.wait(timeout=POLL_S)
            return tripped
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() > deadline:
            if group is not None:
                group.kill_all()
            _kill({process.pid})
            process.wait()
            return "deadline"
        if group is not None and tripped is None:
            tripped = group.tripped()
        if tripped is not None and group is not None:
            # repeat: a fork bomb keeps forking while we kill
            _kill(student_processes(group.pids(), process.pid))


VERDICT_FIELDS = (
    "tree_memory_mb",
    "processes",
    "memory_mb",
    "file_size_mb",
    "open_files",
    "deadline_s",
    "disk_mb",
)


def _with_channel(command: list[str], fd: int) -> list[str]:
    """Tell the worker inside which file descriptor carries its key."""
    cut = command.index("--")
    return [*command[:cut], "--setenv", channel.KEY_FD_ENV, str(fd), *command[cut:]]


def run(spec: dict[str, Any]) -> int:
    """Run the sandboxed command described by ``spec``; return its exit status."""
    key = bytes.fromhex(os.environ.pop(channel.SUPERVISOR_KEY_ENV, ""))
    key_fd = int(os.environ.pop(channel.KEY_FD_ENV, "-1"))
    group = None
    if spec.get("cgroup"):
        try:
            group = create_job_cgroup(spec["processes"], spec["tree_memory_mb"] * 1024 * 1024)
        except OSError as exc:
            print(f"grader sandbox: no cgroup for this run ({exc})", file=sys.stderr, flush=True)
    _record(spec, group=sorted(set(group.dirs.values())) if group else [])
    stop = _stopper(group)
    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    channel.die_with_launcher()  # its launcher killed (a Dask worker lost): the run stops too
    try:
        # an empty environment: bubblewrap's own process (pid 1 inside) must not carry the
        # grader's variables, which the notebook could read from /proc/1/environ
        try:
            process = subprocess.Popen(
                _with_channel(spec["command"], key_fd),
                stdin=subprocess.DEVNULL,
                env={},
                pass_fds=(key_fd,) if key_fd >= 0 else (),
                preexec_fn=_enter(group, spec["rlimits"]),
            )  # single-threaded: safe
        except (OSError, subprocess.SubprocessError) as exc:  # no bwrap, no cgroup to join, no rlimit
            _fault(key, f"the sandbox could not start ({type(exc).__name__}: {exc})")
            raise
        if key_fd >= 0:
            os.close(key_fd)
        limit = watch(process, group, spec["deadline_s"])
        code = process.returncode
    finally:
        peak = group.peak_memory_bytes() if group is not None else None
        if group is not None:
            group.remove()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    _record(spec, tripped=limit, exit_status=code, peak_memory_mb=peak and round(peak / 2**20))
    if key:
        verdict = {"limit": limit, **{name: spec.get(name) for name in VERDICT_FIELDS}}
        channel.Sender(sys.stdout.fileno(), key).send(channel.VERDICT_KIND, verdict)
    return code if code is not None and code >= 0 else 128 - (code or 0)


def _fault(key: bytes, text: str) -> None:
    """Tell the launcher (signed) that the sandbox itself failed: the grader's fault, not the notebook's."""
    print(f"grader sandbox: {text}", file=sys.stderr, flush=True)
    if key:
        channel.Sender(sys.stdout.fileno(), key).send(channel.FAULT_KIND, {"error": " ".join(text.split())[:300]})


def _record(spec: dict[str, Any], **facts: Any) -> None:
    """Add to ``out_dir/sandbox-run.json``: the run's cgroups, the limit that tripped, peak memory."""
    path = os.path.join(spec["out_dir"], RUN_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        data = {}
    data.update(facts)
    write_json_atomic(path, data)


def _stopper(group: JobCgroup | None):
    """On SIGTERM/SIGINT: take the whole run down and leave no cgroup behind."""

    def stop(signum: int, frame: object) -> None:
        if group is not None:
            group.remove()
        sys.exit(128 + signum)

    return stop


def main(argv: list[str] | None = None) -> int:
    """Entry point: read the spec file named on the command line and run it."""
    args = sys.argv[1:] if argv is None else argv
    with open(args[0], encoding="utf-8") as handle:
        spec = json.load(handle)
    return run(spec)


if __name__ == "__main__":
    sys.exit(main())
