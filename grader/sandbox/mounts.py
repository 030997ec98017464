"""The bubblewrap command line: what the sandbox can see, and nothing more.

Whitelisting, not blacklisting: the new root starts empty and only the system folders,
the Python installation, the virtual environment, the ``grader`` package folder and this
job's workspace are mounted - the first ones read-only.  So the repository's ``reference/``
and ``rubrics/``, other submissions and the grader's outputs never exist inside.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..models.execution import WORKSPACE_LAYOUT_ENV, ExecutionJob

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
PASSED_ENV = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TERM")
"""The grader's environment stays outside (it may hold tokens); only these pass through."""
MASKED = (
    "/etc/shadow",
    "/etc/shadow-",
    "/etc/gshadow",
    "/etc/gshadow-",
    "/etc/ssh",
    "/etc/ssl/private",
    "/etc/sudoers",
    "/etc/sudoers.d",
    "/etc/security/opasswd",
    "/etc/machine-id",
)
"""Host secrets under /etc: uid 0 inside may read root's 0600 files even without capabilities."""
COLAB_FOLDER = "/content"
"""Colab's working folder; inside the sandbox a link to the notebook's folder."""
SANDBOX_ENV = {
    # glibc makes up to 8 malloc arenas per core, 64 MB of address space each: on a big
    # machine that alone would eat RLIMIT_AS before the notebook allocates anything
    "MALLOC_ARENA_MAX": "4",
    "TMPDIR": "/tmp",
}


@functools.cache
def bwrap_options(bwrap: str) -> frozenset[str]:
    """The options this bubblewrap knows (--disable-userns and --size came with 0.8)."""
    try:
        done = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(re.findall(r"^\s+(--[a-z0-9-]+)", done.stdout + done.stderr, re.MULTILINE))


def namespace_args(known: frozenset[str]) -> list[str]:
    """New namespaces for everything; no further user namespaces where bwrap can forbid them."""
    args = ["--unshare-user", "--uid", "0", "--gid", "0"]
    if "--disable-userns" in known:
        args.append("--disable-userns")
    return [
        *args,
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        "sandbox",
    ]


def bwrap_path() -> str | None:
    """The bubblewrap executable, if installed."""
    return shutil.which("bwrap") or (os.path.exists("/usr/bin/bwrap") and "/usr/bin/bwrap") or None


def package_dir() -> Path:
    """The folder of the ``grader`` package the worker will import."""
    return Path(os.path.abspath(__file__)).parent.parent


def python_dirs() -> list[str]:
    """The Python installation and the virtual environment (read-only inside)."""
    found: list[str] = []
    for prefix in (sys.base_prefix, sys.prefix, sys.exec_prefix):
        folder = os.path.abspath(prefix)
        if folder not in found:
            found.append(folder)
    return found


def environment_dirs(job: ExecutionJob) -> list[str]:
    """A grading environment's folder and its base interpreter's installation (read-only inside)."""
    return interpreter_dirs(job.python)


def interpreter_dirs(python: str | None) -> list[str]:
    """The folders of a grading environment's interpreter ``python`` (none for this one)."""
    if not python:
        return []
    env = os.path.dirname(os.path.dirname(os.path.abspath(python)))
    found = [env]
    try:
        with open(os.path.join(env, "pyvenv.cfg"), encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.partition("=")
                if key.strip() == "home" and value.strip():
                    found.append(os.path.dirname(os.path.realpath(value.strip())))
    except OSError:
        pass
    return [f for f in dict.fromkeys(found) if os.path.isdir(f)]


def hidden_dirs(visible: list[str]) -> list[str]:
    """Folders inside the mounted trees that must look empty.

    A wheel install bundles the rubrics and reference solutions as ``grader/_bundled``
    (see pyproject.toml); an editable install leaves such a folder in site-packages.
    """
    found: list[str] = []
    roots = [os.path.realpath(v) + "/" for v in visible]
    for entry in [*sys.path, str(package_dir().parent)]:
        candidate = os.path.join(os.path.realpath(entry or "."), "grader", "_bundled")
        inside = any(candidate.startswith(root) for root in roots)
        if inside and os.path.isdir(candidate) and candidate not in found:
            found.append(candidate)
    return found


def _system_args() -> list[str]:
    args: list[str] = []
    for folder in SYSTEM_DIRS:
        if os.path.islink(folder):
            args += ["--symlink", os.readlink(folder), folder]  # merged-/usr systems
        elif os.path.isdir(folder):
            args += ["--ro-bind", folder, folder]
    for path in MASKED:
        if os.path.isdir(path) and not os.path.islink(path):
            args += ["--tmpfs", path, "--remount-ro", path]
        elif os.path.isfile(path) and not os.path.islink(path):
            args += ["--dev-bind", "/dev/null", path]  # reads as empty; a plain bind is nodev
    return args


def _same_path(flag: str, path: str) -> list[str]:
    """Mount ``path`` at the path the job names it by (and at its real path, if a link)."""
    given, real = os.path.abspath(path), os.path.realpath(path)
    args = [flag, real, given]
    if real != given:
        args += [flag, real, real]
    return args


def _job_dirs(job: ExecutionJob) -> list[str]:
    """The writable folders of this job: work (the notebook's cwd), evidence, home.

    ``out`` (job file, the grader's own reports) is only readable: the executor's reports
    travel over the signed channel and the launcher writes them outside the sandbox.
    """
    folders = [job.workdir, job.evidence_dir]
    home = job.kernel_env.get("HOME")
    if home:
        folders.append(home)
    return folders


def _workspace_root(job: ExecutionJob) -> str | None:
    """The folder holding work/, evidence/, out/ and home/, when they share one."""
    parents = {os.path.dirname(os.path.abspath(p)) for p in (*_job_dirs(job), job.out_dir)}
    return parents.pop() if len(parents) == 1 else None


def _dataset_files(job: ExecutionJob, writable: list[str]) -> list[str]:
    """Staged dataset files outside the workspace, mounted read-only one by one."""
    inside = [os.path.realpath(w) + "/" for w in writable]
    files = {os.path.abspath(p) for p in job.datasets.values() if os.path.isfile(p)}
    return sorted(f for f in files if not any(os.path.realpath(f).startswith(w) for w in inside))


def sandbox_path(job: ExecutionJob | None = None) -> str:
    """PATH inside: the environment's own scripts first (a grading environment's), then the system's."""
    prefix = os.path.dirname(os.path.abspath(job.python)) if job is not None and job.python else None
    return ":".join([prefix or os.path.join(sys.prefix, "bin"), "/usr/local/bin", "/usr/bin", "/bin"])


# -- the disk quota: one size-limited tmpfs for everything the notebook may write ---------------
INPUTS_DIR = ".inputs"
"""Inside the sandbox, ``<workspace root>/.inputs/{work,home}``: the host workspace's work/ and
home/ (read-only), for the worker to copy into the quota tmpfs."""


def quota_root(job: ExecutionJob, known: frozenset[str]) -> str | None:
    """The workspace root that becomes the quota tmpfs, or None where the quota cannot be built.

    It needs bubblewrap's ``--size`` (0.8), and work/, home/, evidence/ and out/ as the folders
    of one root named by its real path (the tmpfs is mounted at that same path, so every path
    the kernel reports is the host's path of the same file).
    """
    root = _workspace_root(job)
    if "--size" not in known or root is None or not job.kernel_env.get("HOME"):
        return None
    root = os.path.abspath(root)
    if os.path.realpath(root) != root or root in ("/", "/tmp"):
        return None
    if not _under_tmp(root):  # /tmp becomes a link: nothing else may need to be mounted under it
        others = [*python_dirs(), str(package_dir()), *environment_dirs(job), *_dataset_files(job, [root])]
        if any(_under_tmp(os.path.abspath(p) + "/") for p in others):
            return None
    return root


def _under_tmp(path: str) -> bool:
    return path.startswith("/tmp/")


def _quota_tmp_args(root: str, disk_bytes: int) -> list[str]:
    """/tmp: the quota tmpfs itself when the workspace lives under /tmp, else a link to root/tmp."""
    if _under_tmp(root):
        return ["--size", str(disk_bytes), "--tmpfs", "/tmp"]
    return ["--symlink", os.path.join(root, "tmp"), "/tmp"]


def _quota_workspace_args(job: ExecutionJob, root: str, disk_bytes: int, evidence_bytes: int) -> list[str]:
    """The tmpfs at ``root`` (unless /tmp is it), its folders, the evidence tmpfs, out/ and the inputs.

    Nothing inside is a writable host folder: what the run leaves on the host is what the
    worker sends back over the signed channel after the run (``grader.execute.quota``).
    """
    # the root itself takes no files ("../x" from the notebook's folder is refused, as without
    # the quota): r-x, and without capabilities uid 0 inside is bound by that
    if _under_tmp(root):
        args = ["--perms", "0555", "--dir", root]
    else:
        args = ["--perms", "0555", "--size", str(disk_bytes), "--tmpfs", root]
    home = os.path.abspath(job.kernel_env["HOME"])
    work = os.path.abspath(job.workdir)
    for folder in (work, home):
        args += ["--perms", "0755", "--dir", folder]
    if not _under_tmp(root):
        args += ["--perms", "1777", "--dir", os.path.join(root, "tmp")]
    args += ["--size", str(evidence_bytes), "--tmpfs", os.path.abspath(job.evidence_dir)]
    args += ["--ro-bind", os.path.abspath(job.out_dir), os.path.abspath(job.out_dir)]
    for name, folder in (("work", work), ("home", home)):
        if os.path.isdir(folder):
            args += ["--ro-bind", os.path.realpath(folder), os.path.join(root, INPUTS_DIR, name)]
    return args


def quota_layout(job: ExecutionJob, root: str, disk_mb: int) -> dict[str, object]:
    """What the worker inside needs to know (``WORKSPACE_LAYOUT_ENV``): the inputs to copy in,
    the quota's mount and size."""
    home = os.path.abspath(job.kernel_env["HOME"])
    return {
        "disk_mb": disk_mb,
        "mount": "/tmp" if _under_tmp(root) else root,
        "inputs": [
            [os.path.join(root, INPUTS_DIR, "work"), os.path.abspath(job.workdir)],
            [os.path.join(root, INPUTS_DIR, "home"), home],
        ],
    }


def bwrap_command(
    command: list[str],
    job: ExecutionJob,
    *,
    tmp_bytes: int,
    env: dict[str, str],
    disk_mb: int | None = None,
    evidence_mb: int = 1024,
) -> list[str]:
    """The full ``bwrap ... -- command`` for one job.

    With ``disk_mb`` (and a bubblewrap that can size a tmpfs, see ``quota_root``) the
    notebook's folder, home and /tmp are one tmpfs of that size; otherwise the workspace
    folders are host folders bound in and /tmp a tmpfs of ``tmp_bytes``.
    """
    bwrap = bwrap_path()
    if bwrap is None:
        raise FileNotFoundError("bwrap")
    read_only = [*python_dirs(), str(package_dir()), *environment_dirs(job)]
    known = bwrap_options(bwrap)
    quota = quota_root(job, known) if disk_mb is not None else None
    writable = _job_dirs(job) if quota is None else [quota]
    args = [bwrap, *namespace_args(known), "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"]
    args += _system_args()
    args += ["--dev", "/dev", "--proc", "/proc"]
    if quota is not None and disk_mb is not None:
        args += _quota_tmp_args(quota, disk_mb * 1024 * 1024)
        env = {**env, WORKSPACE_LAYOUT_ENV: json.dumps(quota_layout(job, quota, disk_mb))}
    else:
        args += (["--size", str(tmp_bytes)] if "--size" in known else []) + ["--tmpfs", "/tmp"]
    for folder in read_only:
        args += _same_path("--ro-bind", folder)
    for folder in hidden_dirs(read_only):
        args += ["--tmpfs", folder, "--remount-ro", folder]
    for path in _dataset_files(job, writable):
        args += _same_path("--ro-bind", path)
    if quota is not None and disk_mb is not None:
        args += _quota_workspace_args(job, quota, disk_mb * 1024 * 1024, evidence_mb * 1024 * 1024)
    else:
        args += _host_workspace_args(job, writable)
    if os.path.abspath(job.workdir) != COLAB_FOLDER:
        args += ["--symlink", os.path.abspath(job.workdir), COLAB_FOLDER]
    # the new root is a tmpfs: without this, folders bwrap made for mount points (/work...)
    # would take files - harmless to this machine, but not "read-only outside the workspace"
    args += ["--remount-ro", "/", "--chdir", os.path.abspath(job.workdir)]
    for name in PASSED_ENV:
        if name in os.environ:
            args += ["--setenv", name, os.environ[name]]
    for name, value in {**SANDBOX_ENV, "PATH": sandbox_path(job), **env}.items():
        args += ["--setenv", name, value]
    return [*args, "--", *command]


def _host_workspace_args(job: ExecutionJob, writable: list[str]) -> list[str]:
    """The workspace as host folders (no disk quota): out/ read-only, work, evidence, home writable."""
    args: list[str] = []
    root = _workspace_root(job)
    if root is not None:  # "../x" from the notebook's folder fails wherever the workspace lives
        args += _same_path("--ro-bind", root)
    args += _same_path("--ro-bind", job.out_dir)
    for folder in writable:  # after /tmp: a workspace under /tmp must win over the tmpfs
        args += _same_path("--bind", folder)
    return args


def reader_command(command: list[str], *, python: str | None, readable: list[str], tmp_bytes: int) -> list[str]:
    """``bwrap ... -- command`` for a process that only reads: the re-evaluation worker loading a
    student's saved models.  The system, Python, the environment of ``python`` and the folders in
    ``readable`` (the run's workspace) are read-only; a private /tmp of ``tmp_bytes`` is the only
    place it can write; no network, no capabilities, its own process tree that dies with the grader."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise FileNotFoundError("bwrap")
    known = bwrap_options(bwrap)
    read_only = [*python_dirs(), str(package_dir()), *interpreter_dirs(python)]
    args = [bwrap, *namespace_args(known), "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"]
    args += _system_args()
    args += ["--dev", "/dev", "--proc", "/proc"]
    args += (["--size", str(tmp_bytes)] if "--size" in known else []) + ["--tmpfs", "/tmp"]
    for folder in read_only:
        args += _same_path("--ro-bind", folder)
    for folder in hidden_dirs(read_only):
        args += ["--tmpfs", folder, "--remount-ro", folder]
    for folder in readable:
        if os.path.exists(folder):
            args += _same_path("--ro-bind", folder)
    args += ["--remount-ro", "/", "--chdir", "/tmp"]
    for name in PASSED_ENV:
        if name in os.environ:
            args += ["--setenv", name, os.environ[name]]
    prefix = os.path.dirname(os.path.abspath(python)) if python else os.path.join(sys.prefix, "bin")
    path = ":".join([prefix, "/usr/local/bin", "/usr/bin", "/bin"])
    for name, value in {**SANDBOX_ENV, "PATH": path, "HOME": "/tmp"}.items():
        args += ["--setenv", name, value]
    return [*args, "--", *command]
