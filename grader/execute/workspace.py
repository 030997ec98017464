"""A private workspace per run: the notebook's working directory, a home, evidence, outputs."""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

MAX_COPIED_BYTES = 200 * 1024 * 1024
COLAB_CONTENT = "/content"


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
    """Copy the notebook (and the files handed in with it) into a fresh workspace under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    work, home, evidence, out = (root / n for n in ("work", "home", "evidence", "out"))
    for folder in (work, home, evidence, out, home / ".keras" / "datasets"):
        folder.mkdir(parents=True, exist_ok=True)
    target = work / notebook.name
    shutil.copy2(notebook, target)
    copied = 0
    for extra in siblings or []:
        if extra.is_file() and extra.resolve() != notebook.resolve():
            copied += extra.stat().st_size
            if copied > MAX_COPIED_BYTES:
                break
            shutil.copy2(extra, work / extra.name)
    return Workspace(root=root, work=work, home=home, evidence=evidence, out=out, notebook=target)


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
