"""What a notebook can see and touch inside the sandbox: only its own workspace, no network."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from grader.sandbox import SandboxLimits
from grader.sandbox.mounts import package_dir, python_dirs

from . import REPO, SandboxRun, assert_cleaned_up, needs_sandbox, processes_running, run_sandboxed

pytestmark = [pytest.mark.sandbox, pytest.mark.notebook, needs_sandbox]

DAEMON = ("sleep", "3137")  # a process the notebook leaves behind on purpose

PROBE_CELL = """
import json, os, socket, subprocess
def can_read(path):
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").read(1)
        return True
    except OSError:
        return False
def can_write(path):
    try:
        with open(path, "w") as handle:
            handle.write("escaped")
        return True
    except OSError:
        return False
def can_connect(host, port):
    try:
        socket.create_connection((host, port), timeout=3).close()
        return True
    except OSError:
        return False
def resolves(name):
    try:
        socket.getaddrinfo(name, 443)
        return True
    except OSError:
        return False
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
loopback = can_connect("127.0.0.1", server.getsockname()[1])
caps = [line.split()[1] for line in open("/proc/self/status") if line.startswith("CapEff")][0]
daemon = subprocess.Popen(["sleep", "3137"], start_new_session=True)
print(json.dumps({"read": {p: can_read(p) for p in READ}, "write": {p: can_write(p) for p in WRITE},
                  "own": can_read(OWN), "tmp": can_write("/tmp/private-" + TOKEN),
                  "outside": can_connect("1.1.1.1", 53) or can_connect("140.82.112.3", 443),
                  "dns": resolves("pypi.org"), "loopback": loopback, "caps": caps,
                  "processes": len([p for p in os.listdir("/proc") if p.isdigit()]),
                  "shadow": open("/etc/shadow").read() if os.path.exists("/etc/shadow") else "",
                  "root": sorted(os.listdir("/"))}))
"""


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def isolation(tmp_path_factory: pytest.TempPathFactory) -> tuple[SandboxRun, dict, dict[str, list[str]], dict]:
    root = tmp_path_factory.mktemp("isolation")
    token = os.urandom(6).hex()
    sibling = root / "submitted" / "classmate.ipynb"  # handed in next to the student's notebook
    sibling.parent.mkdir(parents=True)
    sibling.write_text("{}")
    other_run = root / "other-run" / "work"  # another student's workspace of the same grading run
    other_run.mkdir(parents=True)
    (other_run / "answers.txt").write_text("secret")
    decoy = root / "decoy"
    decoy.mkdir()
    (decoy / "keep.txt").write_text("keep")
    read = [
        str(REPO / "reference"),
        str(REPO / "rubrics"),
        str(REPO / "submissions_example"),
        str(REPO / "tests"),
        str(REPO / "pyproject.toml"),
        str(REPO / ".git"),
        str(sibling),
        str(other_run / "answers.txt"),
        str(REPO.parent / "shared" / "data"),
        "/sys/fs/cgroup",
        "/root/.bashrc",
    ]
    write = [
        str(REPO / f"escape-{token}.txt"),
        str(REPO / "grader" / f"escape-{token}.py"),
        os.path.join(sys.prefix, f"escape-{token}"),
        str(decoy / f"escape-{token}.txt"),
        str(decoy / "keep.txt"),
        f"/etc/escape-{token}",
        f"/usr/escape-{token}",
        os.path.join(sys.base_prefix, f"escape-{token}"),
    ]
    before = _snapshot(decoy)
    header = f"READ = {read!r}\nWRITE = {write!r}\nTOKEN = {token!r}\nOWN = 'student.ipynb'\n"
    run = run_sandboxed(root, header + PROBE_CELL, "print('still here')")
    seen = json.loads(run.printed[0]) if run.printed and run.printed[0].startswith("{") else {}
    return run, seen, {"write": write, "token": [token]}, {"decoy": (decoy, before)}


def test_the_notebook_runs_normally(isolation) -> None:
    run, seen, _, _ = isolation
    assert run.outcome.status == "completed", run.outcome
    assert run.statuses() == ["ok", "ok"]
    assert seen["own"] is True
    assert run.seconds < 60


def test_cannot_read_reference_rubrics_tests_or_other_submissions(isolation) -> None:
    _, seen, _, _ = isolation
    assert seen["read"] and not any(seen["read"].values()), seen["read"]
    # only the system, the Colab link and the top folders of what is mounted on purpose
    # (the Python environment and the grader package live wherever this checkout lives)
    mounted = {Path(os.path.realpath(p)).parts[1] for p in [*python_dirs(), str(package_dir())]}
    mounted |= {Path(os.path.abspath(p)).parts[1] for p in [*python_dirs(), str(package_dir())]}
    system = {"bin", "content", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "root", "sbin", "tmp", "usr"}
    assert set(seen["root"]) <= system | mounted, set(seen["root"]) - system - mounted


def test_host_secrets_under_etc_are_masked(isolation) -> None:
    _, seen, _, _ = isolation
    assert seen["shadow"] == ""


def _on_private_tmp(path: str) -> bool:
    """Does ``path`` lie in a checkout under /tmp, outside what is mounted, so on the private /tmp inside?"""
    if not str(REPO).startswith("/tmp/") or not os.path.abspath(path).startswith(str(REPO) + "/"):
        return False
    mounted = [os.path.abspath(p) + "/" for p in [*python_dirs(), str(package_dir())]]
    return not any(os.path.abspath(path).startswith(m) for m in mounted)


def test_cannot_write_outside_the_workspace(isolation) -> None:
    _, seen, attempted, extra = isolation
    # a checkout under /tmp (a CI runner's) sits on the notebook's private /tmp inside:
    # writing there is writing to that tmpfs, which the host check below keeps honest
    private = {path for path in seen["write"] if _on_private_tmp(path)}
    assert seen["write"] and not any(v for k, v in seen["write"].items() if k not in private), seen["write"]
    for path in attempted["write"]:
        if "keep.txt" not in path:
            assert not os.path.exists(path), path
    decoy, before = extra["decoy"]
    assert _snapshot(decoy) == before
    assert seen["tmp"] is True  # a private /tmp ...
    assert not os.path.exists(f"/tmp/private-{attempted['token'][0]}")  # ... that is not this machine's


def test_no_network_but_loopback(isolation) -> None:
    _, seen, _, _ = isolation
    assert seen["outside"] is False
    assert seen["dns"] is False
    assert seen["loopback"] is True


def test_no_capabilities_and_own_process_table(isolation) -> None:
    _, seen, _, _ = isolation
    assert int(seen["caps"], 16) == 0
    assert seen["processes"] < 10  # bwrap's reaper, the executor, the kernel, the notebook's own


def test_nothing_outlives_the_run(isolation) -> None:
    run, _, _, _ = isolation
    assert processes_running(*DAEMON) == []
    assert_cleaned_up(run)


def test_limits_reach_the_kernel(tmp_path: Path) -> None:
    limits = SandboxLimits(memory_mb=3000, file_size_mb=64, open_files=500, processes=100, cpu_s=900)
    run = run_sandboxed(
        tmp_path,
        "import resource\nfor name in ('AS', 'FSIZE', 'NOFILE', 'CPU'):\n"
        "    print(name, resource.getrlimit(getattr(resource, 'RLIMIT_' + name)))",
        limits=limits,
    )
    text = run.printed[0]
    assert f"AS ({3000 * 2**20}, {3000 * 2**20})" in text
    assert f"FSIZE ({64 * 2**20}, {64 * 2**20})" in text
    assert "NOFILE (500, 500)" in text
    assert "CPU (900, 905)" in text
    assert run.facts()["group"], "no cgroup was used for the run"
    assert_cleaned_up(run)
