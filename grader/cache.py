"""Evidence cache: a finished run is kept under a key of everything that could change it.

Key = notebook bytes + files handed in with it + datasets staged + execution limits + grader
version (including the probe's source).  A rubric edit changes none of these, so re-scoring
reads the cached run instead of executing the notebook again.

The cache has a size cap (``DEFAULT_MAX_BYTES`` unless told otherwise): after each stored run
the least recently used runs (by the time a run was last stored or read) are removed until the
cache fits; a run another grader is using (its key's lock held) is never removed.
``grader cache prune`` does the same on demand.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .execute.workspace import Workspace, workspace_at
from .models.execution import ExecutionOutcome

_PACKAGE = Path(__file__).resolve().parent
DEFAULT_MAX_BYTES = 5 * 1024**3
"""The evidence cache's default size cap."""
_KEY = re.compile(r"^[0-9a-f]{24}$")


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


@dataclass(frozen=True)
class CachedRun:
    """One run folder in the cache."""

    key: str
    size: int
    """Bytes on disk (as ``du`` counts them)."""
    last_used: float
    """When it was last stored or read (seconds since the epoch); 0 for a run that never finished."""


@dataclass(frozen=True)
class Pruned:
    """What a prune did."""

    removed: tuple[CachedRun, ...]
    kept: tuple[CachedRun, ...]

    @property
    def freed(self) -> int:
        """Bytes removed."""
        return sum(r.size for r in self.removed)

    @property
    def size(self) -> int:
        """Bytes left."""
        return sum(r.size for r in self.kept)


class EvidenceCache:
    """Run folders under ``root/<key>``; a run is complete when ``outcome.json`` is there.

    ``max_bytes`` caps the cache (None: no cap); least recently used runs go first."""

    def __init__(self, root: Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def folder(self, key: str) -> Path:
        """Where the run of ``key`` lives."""
        return self.root / key

    def load(self, key: str) -> ExecutionOutcome | None:
        """The cached outcome, with its paths pointing into the cache; None on a miss (a hit counts as a use)."""
        outcome = _outcome_at(self.folder(key) / "outcome.json", self.folder(key))
        if outcome is not None:
            self._touch(key)
        return outcome

    def store(self, key: str, outcome: ExecutionOutcome) -> None:
        """Mark the run in ``folder(key)`` complete, then bring the cache under its cap."""
        tmp = self.folder(key) / f"outcome.json.tmp{os.getpid()}"
        tmp.write_text(json.dumps(outcome.to_json()), encoding="utf-8")
        os.replace(tmp, self.folder(key) / "outcome.json")
        if self.max_bytes is not None:
            self.prune(self.max_bytes)

    def _touch(self, key: str) -> None:
        with contextlib.suppress(OSError):
            os.utime(self.folder(key) / "outcome.json")

    def runs(self) -> list[CachedRun]:
        """Every run folder, least recently used first."""
        found: list[CachedRun] = []
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.root):
                if entry.is_dir(follow_symlinks=False) and _KEY.match(entry.name):
                    try:
                        used = os.stat(os.path.join(entry.path, "outcome.json")).st_mtime
                    except OSError:
                        used = 0.0  # never finished (a crash): first to go
                    found.append(CachedRun(entry.name, _disk_usage(Path(entry.path)), used))
        return sorted(found, key=lambda r: (r.last_used, r.key))

    def prune(self, max_bytes: int) -> Pruned:
        """Remove the least recently used runs until the cache holds at most ``max_bytes``;
        runs in use (their lock held by a grader) stay."""
        runs = self.runs()
        total = sum(r.size for r in runs)
        removed: list[CachedRun] = []
        for run in runs:
            if total <= max_bytes:
                break
            if self._remove_unless_busy(run.key):
                removed.append(run)
                total -= run.size
        gone = {r.key for r in removed}
        return Pruned(removed=tuple(removed), kept=tuple(r for r in runs if r.key not in gone))

    def _remove_unless_busy(self, key: str) -> bool:
        with open(self.root / f"{key}.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            try:
                shutil.rmtree(self.folder(key), ignore_errors=True)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return True

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


def _disk_usage(folder: Path) -> int:
    """Bytes a folder takes on disk (allocated blocks, as ``du`` counts; links not followed)."""
    total = 0
    for base, dirs, files in os.walk(folder):
        for name in dirs + files:
            with contextlib.suppress(OSError):
                info = os.lstat(os.path.join(base, name))
                total += getattr(info, "st_blocks", 0) * 512 or info.st_size
    return total


def parse_size(text: str) -> int:
    """Bytes from ``5G``, ``5GiB``, ``500M``, ``500 MB``, ``1024`` (binary units: 1K = 1024)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if match is None:
        raise ValueError(f"not a size: {text!r} (say e.g. 5G, 500M or 2GiB)")
    power = " KMGT".index(match.group(2).upper() or " ")
    return int(float(match.group(1)) * 1024**power)


def size_text(size: int) -> str:
    """``1.5 GiB``, ``20.0 MiB``, ``512 B``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


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
