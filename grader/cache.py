"""Evidence cache: a finished run is kept under a key of everything that could change it.

Key = notebook bytes + files handed in with it + datasets staged + execution limits + grader
version (including the probe's source).  A rubric edit changes none of these, so re-scoring
reads the cached run instead of executing the notebook again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .execute.workspace import Workspace, workspace_at
from .models.execution import ExecutionOutcome

_PACKAGE = Path(__file__).resolve().parent


def grader_fingerprint() -> str:
    """Version plus a hash of the code whose behaviour changes evidence (probe, execute)."""
    from . import __version__

    digest = hashlib.sha256(__version__.encode())
    for folder in ("probe", "execute"):
        for path in sorted((_PACKAGE / folder).glob("*.py")):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def run_key(notebook: Path, siblings: tuple[Path, ...], settings: dict[str, Any]) -> str:
    """The cache key of one run."""
    digest = hashlib.sha256()
    digest.update(notebook.read_bytes())
    for path in siblings:
        digest.update(path.name.encode())
        digest.update(_file_hash(path).encode())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    digest.update(grader_fingerprint().encode())
    return digest.hexdigest()[:24]


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class EvidenceCache:
    """Run folders under ``root/<key>``; a run is complete when ``outcome.json`` is there."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, key: str) -> Path:
        """Where the run of ``key`` lives."""
        return self.root / key

    def load(self, key: str) -> ExecutionOutcome | None:
        """The cached outcome, with its paths pointing into the cache; None on a miss."""
        return _outcome_at(self.folder(key) / "outcome.json", self.folder(key))

    def store(self, key: str, outcome: ExecutionOutcome) -> None:
        """Mark the run in ``folder(key)`` complete."""
        tmp = self.folder(key) / f"outcome.json.tmp{os.getpid()}"
        tmp.write_text(json.dumps(outcome.to_json()), encoding="utf-8")
        os.replace(tmp, self.folder(key) / "outcome.json")

    @contextmanager
    def locked(self, key: str) -> Iterator[Path]:
        """Hold the key's lock (two graders never run the same notebook at once); yields its folder."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f"{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield self.folder(key)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def discard(self, key: str) -> None:
        """Forget a run (an incomplete folder left by a crash)."""
        shutil.rmtree(self.folder(key), ignore_errors=True)


def _outcome_at(path: Path, folder: Path) -> ExecutionOutcome | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["evidence_dir"] = str(folder / "evidence")
        executed = folder / "out" / "executed.ipynb"
        data["executed_notebook"] = str(executed) if executed.exists() else None
        return ExecutionOutcome.from_json(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load_run(folder: Path) -> tuple[ExecutionOutcome, Workspace] | None:
    """A finished run's outcome and workspace from its folder (cached or kept), or None when
    the folder is gone or the run never finished."""
    outcome = _outcome_at(folder / "outcome.json", folder) or _outcome_at(folder / "out" / "outcome.json", folder)
    if outcome is None:
        return None
    notebooks = sorted((folder / "work").glob("*.ipynb"))
    return outcome, workspace_at(folder, notebooks[0].name if notebooks else "notebook.ipynb")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/grader`` or ``~/.cache/grader``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "grader"
