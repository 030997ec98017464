"""A run stops when the process that launched it dies (a Dask worker killed mid-run), so it cannot
go on writing into the folder its retry uses.  Plain processes, no kernel."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from grader.channel import LAUNCHER_PID_ENV

RUN = textwrap.dedent(
    """
    import os, sys, time
    from grader.channel import LAUNCHER_PID_ENV, die_with_launcher
    armed = die_with_launcher()
    with open(sys.argv[1], "w") as flag:
        flag.write(f"{os.getpid()} {armed} {LAUNCHER_PID_ENV in os.environ}")
    time.sleep(60)
    """
)
LAUNCHER = textwrap.dedent(
    """
    import os, subprocess, sys
    env = {**os.environ, sys.argv[3]: str(os.getpid())} if sys.argv[2] == "yes" else dict(os.environ)
    subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[4]], env=env, start_new_session=True).wait()
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"


def _start(tmp_path: Path, with_pid: bool) -> tuple[subprocess.Popen[bytes], int, str]:
    flag = tmp_path / "run.txt"
    launcher = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, RUN, "yes" if with_pid else "no", LAUNCHER_PID_ENV, str(flag)]
    )
    deadline = time.monotonic() + 30
    while not (flag.exists() and flag.read_text()):
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.05)
    pid, armed, left = flag.read_text().split()
    assert left == "False"  # popped: the notebook's kernel does not inherit it
    return launcher, int(pid), armed


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_a_run_stops_when_its_launcher_is_killed(tmp_path):
    launcher, run, armed = _start(tmp_path, with_pid=True)
    assert armed == "True" and _alive(run)
    launcher.kill()
    launcher.wait()
    assert _gone_within(run, 10)


def test_without_the_launchers_pid_nothing_changes(tmp_path):
    launcher, run, armed = _start(tmp_path, with_pid=False)
    try:
        assert armed == "False"
        launcher.kill()
        launcher.wait()
        assert not _gone_within(run, 1)  # it runs on, as before
    finally:
        os.kill(run, signal.SIGKILL)
