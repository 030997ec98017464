"""A private workspace per run: the notebook's working directory, a home, evidence, outputs."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import SubmissionError
from ..fileio import write_json_atomic

MAX_COPIED_BYTES = 200 * 1024 * 1024
COLAB_CONTENT = "/content"
LEFT_OUT_FILE = "left_out.json"
LINK, SPECIAL, HARD_LINK, TOO_BIG = "link", "special", "hard_link", "too_big"
"""Why a file handed in was not copied into the run (the same codes as intake's)."""


@dataclass(frozen=True)
class Workspace:
    """Folders of one run.  ``work`` is the notebook's current directory."""

    root: Path
    work: Path
    home: Path
    evidence: Path
    out: Path
    notebook: Path

    def kernel_env(self) -> dict[str, str]:
        """Environment that keeps the kernel's writes inside the workspace."""
        return {
            "HOME": str(self.home),
            "KERAS_HOME": str(self.home / ".keras"),
            "MPLCONFIGDIR": str(self.home / ".config" / "matplotlib"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "IPYTHONDIR": str(self.home / ".ipython"),
            "JUPYTER_RUNTIME_DIR": str(self.home / ".jupyter-runtime"),
        }


def new_token() -> str:
    """A random marker for the executor's hidden cells."""
    return "grader-" + secrets.token_hex(8)


def workspace_at(root: Path, notebook_name: str) -> Workspace:
    """The folders of the run kept under ``root`` (a cached or kept run), without creating any."""
    return Workspace(
        root=root,
        work=root / "work",
        home=root / "home",
        evidence=root / "evidence",
        out=root / "out",
        notebook=root / "work" / notebook_name,
    )


def create_workspace(notebook: Path, root: Path, siblings: list[Path] | None = None) -> Workspace:
    """Copy the notebook (and the files handed in with it) into a fresh workspace under ``root``.

    Nothing is copied through a link: each file is opened with ``O_NOFOLLOW`` and copied only
    when it is a regular file (a file handed in beside the notebook also only when it has one
    name: a hard link may be a file from outside the submission).  What was left out is kept
    in ``LEFT_OUT_FILE`` as (name, why) for the report to say.  The notebook itself must be a
    regular file (intake resolves a link to one inside the submission); else this raises."""
    root.mkdir(parents=True, exist_ok=True)
    work, home, evidence, out = (root / n for n in ("work", "home", "evidence", "out"))
    for folder in (work, home, evidence, out, home / ".keras" / "datasets"):
        folder.mkdir(parents=True, exist_ok=True)
    target = work / notebook.name
    why = copy_regular(notebook, target, hard_links=True)
    if why is not None:
        raise SubmissionError(f"{notebook}: the notebook is not a regular file ({why}), so it was not read")
    copied = 0
    left_out: list[tuple[str, str]] = []
    for extra in siblings or []:
        if extra.name == notebook.name or (work / extra.name).exists():
            continue
        try:
            size = os.lstat(extra).st_size
        except OSError:
            continue
        if copied + size > MAX_COPIED_BYTES:
            left_out.append((extra.name, TOO_BIG))
            continue
        why = copy_regular(extra, work / extra.name)
        if why is None:
            copied += size
        else:
            left_out.append((extra.name, why))
    if left_out:
        write_json_atomic(root / LEFT_OUT_FILE, [list(entry) for entry in left_out])
    return Workspace(root=root, work=work, home=home, evidence=evidence, out=out, notebook=target)


def copy_regular(source: Path, target: Path, *, hard_links: bool = False) -> str | None:
    """Copy ``source`` to ``target`` without following a link; None when copied, else why not:
    ``link``, ``special`` (device, FIFO, socket, folder, gone) or ``hard_link`` (unless allowed).

    ``lstat`` first, so a device or FIFO is never opened; then ``O_NOFOLLOW`` (a link swapped in
    meanwhile fails to open) and ``fstat`` of what was opened, which must be the same file."""
    try:
        before = os.lstat(source)
    except OSError:
        return SPECIAL
    if stat.S_ISLNK(before.st_mode):
        return LINK
    if not stat.S_ISREG(before.st_mode):
        return SPECIAL
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        return LINK if exc.errno == errno.ELOOP else SPECIAL
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != (before.st_dev, before.st_ino):
            return SPECIAL
        if info.st_nlink > 1 and not hard_links:
            return HARD_LINK
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        with os.fdopen(out, "wb") as copy:
            shutil.copyfileobj(handle, copy, 1 << 20)
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    return None


def left_out(root: Path) -> list[tuple[str, str]]:
    """What ``create_workspace`` left out of the run kept under ``root``, as (name, why)."""
    try:
        entries = json.loads((root / LEFT_OUT_FILE).read_text(encoding="utf-8"))
        return [(str(name), str(why)) for name, why in entries]
    except (OSError, ValueError, TypeError):
        return []


def prune_workspace(workspace: Workspace, keep: Iterable[str] = ()) -> None:
    """Remove what a finished run no longer needs: its home and its working folder - the copies
    handed in, the staged data, whatever the notebook wrote - except the paths in ``keep`` (files
    or folders inside the workspace the evidence reads again: saved models).  The evidence, the
    run's outputs (outcome, executed notebook) and the notes beside them stay.  Links are
    removed, never followed; what cannot be removed is left."""
    root = os.path.abspath(workspace.root)
    kept = {os.path.abspath(p) for p in keep if p and os.path.abspath(p).startswith(root + os.sep)}

    def needed(path: str) -> bool:
        return any(path == k or path.startswith(k + os.sep) or k.startswith(path + os.sep) for k in kept)

    for folder in (str(workspace.work), str(workspace.home)):
        for top, dirs, files in os.walk(folder, topdown=False):
            for name in files + [d for d in dirs if os.path.islink(os.path.join(top, d))]:
                path = os.path.join(top, name)
                if not needed(path):
                    with contextlib.suppress(OSError):
                        os.unlink(path)
            for name in dirs:
                path = os.path.join(top, name)
                if not needed(path):
                    with contextlib.suppress(OSError):
                        os.rmdir(path)  # only once empty
        if not needed(folder):
            with contextlib.suppress(OSError):
                os.rmdir(folder)


def host_path_mapper(workspace: Workspace, inside_work: str | None = None):
    """Map a path the kernel reported to the same file on this machine."""
    inside = inside_work or str(workspace.work)

    def host_path(path: str) -> str | None:
        if not path:
            return None
        if path.startswith(inside + os.sep):
            return str(workspace.work / os.path.relpath(path, inside))
        if path.startswith(COLAB_CONTENT + os.sep):  # the sandbox links /content to the work folder
            return str(workspace.work / os.path.relpath(path, COLAB_CONTENT))
        if not os.path.isabs(path):
            return str(workspace.work / path)
        return path if path.startswith(str(workspace.root)) else None

    return host_path
