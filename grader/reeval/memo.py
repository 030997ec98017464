"""Re-evaluation answers kept beside a run, so that re-scoring it (a rubric edit, a regrade, a
report rendered again) loads no model and starts no worker.

An answer is kept under a key of what decides it: the request (``load`` or ``predict``), the
sha256 of the model file and of the inputs, and the worker's identity (the interpreter, the
state of its installed packages, the worker's own code).  A changed model, other inputs, another
environment or a package installed into it is a miss, answered by the worker and kept in turn.
Each answer is one file written atomically (concurrent graders of the same cached run are fine).

The folder sits at the run's root, beside (not inside) the folders a sandboxed notebook may
write, so a notebook cannot plant answers.  Keeping is best effort: a folder that cannot be
written (a full disk) only costs the next regrade its worker.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .client import Reevaluator
from .protocol import ModelFileError, PredictionError

MEMO_DIR = "reeval"
"""The memo's folder at a run's root."""
_SOURCES = ("worker.py", "loading.py", "protocol.py")


def interpreter_identity(python: str | None) -> str:
    """Who answers: the interpreter's real path, the modification times of its installed-packages
    folders (a package installed, upgraded or removed changes them) and the worker's source."""
    executable = os.path.realpath(python or sys.executable)
    prefix = os.path.dirname(os.path.dirname(executable)) if python else sys.prefix
    digest = hashlib.sha256(executable.encode())
    for folder in sorted(glob.glob(os.path.join(prefix, "lib", "python*", "site-packages"))):
        with contextlib.suppress(OSError):
            digest.update(f"{folder}:{os.stat(folder).st_mtime_ns}".encode())
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:32]


class MemoReevaluator(Reevaluator):
    """A :class:`~.client.Reevaluator` whose answers are kept in ``folder`` and served from it
    when asked the same again by the same ``identity``; the worker starts only on a miss."""

    def __init__(self, command: Sequence[str] | None, folder: Path, identity: str, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.folder = folder
        self.identity = identity
        self.served = 0
        """Answers served from the memo."""
        self._hashes: dict[str, tuple[int, int, str]] = {}
        self._formats: list[str] = []

    # -- what the evidence stage asks ------------------------------------------------------------

    @property
    def started(self) -> bool:
        return super().started or self.served > 0

    def warm(self, formats: Sequence[str]) -> None:
        """Warm the worker now on a run never re-evaluated; else only when a miss needs it."""
        self._formats = list(formats)
        if not self._has_answers():
            super().warm(formats)

    def load(self, model: str) -> None:
        key = self._key("load", model)
        kept = self._kept(key)
        if kept is not None:
            self.served += 1
            _raise_kept(kept)
            return
        try:
            super().load(model)
        except ModelFileError as exc:
            self._keep(key, {"ok": False, "kind": "model", "error": str(exc)})
            raise
        self._keep(key, {"ok": True})

    def predict(self, model: str, inputs: str) -> np.ndarray:
        key = self._key("predict", model, inputs)
        kept = self._kept(key)
        if kept is not None:
            _raise_kept(kept)
            labels = self._labels(key)
            if labels is not None:
                self.served += 1
                return labels
        try:
            labels = super().predict(model, inputs)
        except (ModelFileError, PredictionError) as exc:
            kind = "model" if isinstance(exc, ModelFileError) else "predict"
            self._keep(key, {"ok": False, "kind": kind, "error": str(exc)})
            raise
        if self._save_labels(key, labels):
            self._keep(key, {"ok": True})
        return labels

    def about(self) -> dict[str, Any]:
        if super().started:
            about = super().about()
            self._keep("about", {"ok": True, "about": about})
            return about
        kept = self._kept("about")
        if kept is not None and isinstance(kept.get("about"), dict):
            return dict(kept["about"])
        return super().about()

    # -- the folder ------------------------------------------------------------------------------

    def _key(self, op: str, *files: str) -> str:
        parts = [op, self.identity, *(self._hash(f) for f in files)]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]

    def _hash(self, path: str) -> str:
        try:
            stat = os.stat(path)
        except OSError:
            return f"missing:{os.path.abspath(path)}"
        known = self._hashes.get(path)
        if known is not None and known[:2] == (stat.st_size, stat.st_mtime_ns):
            return known[2]
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        self._hashes[path] = (stat.st_size, stat.st_mtime_ns, digest.hexdigest())
        return digest.hexdigest()

    def _has_answers(self) -> bool:
        with contextlib.suppress(OSError):
            return any(name.endswith(".json") and name != "about.json" for name in os.listdir(self.folder))
        return False

    def _kept(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("identity") != self.identity:
            return None
        return data

    def _keep(self, key: str, data: dict[str, Any]) -> None:
        with contextlib.suppress(OSError, TypeError, ValueError):
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f".{key}.{os.getpid()}.tmp"
            tmp.write_text(json.dumps({**data, "identity": self.identity}), encoding="utf-8")
            os.replace(tmp, self.folder / f"{key}.json")

    def _save_labels(self, key: str, labels: np.ndarray) -> bool:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f".{key}.{os.getpid()}.tmp.npy"
            np.save(tmp, labels, allow_pickle=False)
            os.replace(tmp, self.folder / f"{key}.npy")
        except (OSError, ValueError):  # object labels (no pickles here) or a full disk: not kept
            return False
        return True

    def _labels(self, key: str) -> np.ndarray | None:
        try:
            return np.asarray(np.load(self.folder / f"{key}.npy", allow_pickle=False))
        except (OSError, ValueError):
            return None


def _raise_kept(kept: dict[str, Any]) -> None:
    """Raise the failure an answer recorded (the student's file: the same failure again)."""
    if kept.get("ok"):
        return
    error = str(kept.get("error") or "no reason given")
    if kept.get("kind") == "model":
        raise ModelFileError(error)
    raise PredictionError(error)
