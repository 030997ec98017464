"""The probe's notebook of what happened: an append-only JSONL event log plus .npy side files.

Events are written (and flushed) as they happen, so a kernel that dies mid-way still leaves
everything recorded up to that moment.  Nothing here is ever pickled.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from typing import Any

import numpy as np

from . import colstats, fingerprint

MAX_SAVED_ARRAY_BYTES = 400 * 1024 * 1024  # all saved model inputs together
MAX_SAVED_ARRAYS = 40
MAX_LABEL_ROWS = 500_000
MAX_ONEHOT_CLASSES = 1000
_CHUNK_ROWS = 8192
MAX_LIST = 10_000


def jsonable(value: Any, depth: int = 0) -> Any:
    """A JSON-safe copy of a small value (numbers, strings, lists, dicts); else its repr."""
    if depth > 12:
        return repr(value)[:200]
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, np.ndarray) and value.size <= 64:
        return [jsonable(v, depth + 1) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [jsonable(v, depth + 1) for v in list(value)[:MAX_LIST]]
    if isinstance(value, dict):
        return {str(k): jsonable(v, depth + 1) for k, v in list(value.items())[:256]}
    return repr(value)[:200]


class Recorder:
    """Writes events and arrays into one evidence directory."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        os.makedirs(os.path.join(directory, "rows"), exist_ok=True)
        os.makedirs(os.path.join(directory, "arrays"), exist_ok=True)
        os.makedirs(os.path.join(directory, "models"), exist_ok=True)
        self._log = open(os.path.join(directory, "events.jsonl"), "a", encoding="utf-8")  # noqa: SIM115
        self._seq = 0
        self._rowsets = 0
        self._arrays: dict[str, str] = {}
        self._array_bytes = 0
        self.cell = -1
        self.started = time.monotonic()
        self.suspended = 0

    # -- events ---------------------------------------------------------------------------
    def emit(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Append one event; returns it (with its sequence number)."""
        self._seq += 1
        event = {"kind": kind, "seq": self._seq, "cell": self.cell}
        event.update({k: jsonable(v) for k, v in fields.items()})
        self._log.write(json.dumps(event, allow_nan=False) + "\n")
        self._log.flush()
        return event

    def note(self, code: str, **detail: Any) -> None:
        """A note for the report (a skipped pip line, a served dataset path...)."""
        self.emit("note", code=code, detail=detail)

    # -- data -----------------------------------------------------------------------------
    def rowset(self, data: Any, role: str = "x") -> dict[str, Any] | None:
        """Describe a dataset argument and store its row fingerprints; None if not data."""
        try:
            arr, columns = _to_array(data)
        except Exception:
            return None
        if arr is None or arr.ndim == 0 or arr.shape[0] == 0:
            return None
        self._rowsets += 1
        rid = f"r{self._rowsets}"
        info: dict[str, Any] = {
            "id": rid,
            "n": int(arr.shape[0]),
            "shape": [int(s) for s in arr.shape],
            "dtype": str(arr.dtype),
        }
        if columns is not None:
            info["columns"] = [str(c) for c in columns][:200]
        labels = _as_labels(arr) if role != "x" or arr.ndim == 1 else None
        if labels is not None and arr.shape[0] <= MAX_LABEL_ROWS:
            info["kind"] = "labels"
            values, counts = np.unique(labels.astype(str), return_counts=True)
            info["classes"] = {str(v): int(c) for v, c in zip(values[:200], counts[:200], strict=False)}
            np.save(self._path("rows", rid + ".labels.npy"), labels, allow_pickle=False)
        else:
            info["kind"] = "features"
        exact, shape, missing = [], [], 0
        for start in range(0, arr.shape[0], _CHUNK_ROWS):
            # chunks keep the float copies small next to a big MNIST array
            matrix = fingerprint.as_matrix(arr[start : start + _CHUNK_ROWS])
            exact.append(fingerprint.exact_fingerprints(matrix))
            shape.append(fingerprint.shape_fingerprints(matrix))
            missing += int(np.isnan(matrix).any(axis=1).sum()) if matrix.shape[1] else 0
        info["missing"] = missing  # rows with a NaN: what makes a Keras loss NaN
        np.save(self._path("rows", rid + ".exact.npy"), np.concatenate(exact))
        np.save(self._path("rows", rid + ".shape.npy"), np.concatenate(shape))
        if info["kind"] == "features":
            self._save_stats(rid, data, arr)
        return info

    def _save_stats(self, rid: str, data: Any, arr: np.ndarray) -> None:
        """Per-column statistics beside the fingerprints (see :mod:`grader.probe.colstats`)."""
        try:
            table = colstats.column_stats(data, arr)
        except Exception:  # statistics are a bonus: never lose the row set over them
            return
        if table is not None:
            np.save(self._path("rows", rid + ".stats.npy"), table, allow_pickle=False)

    def save_array(self, data: Any) -> str | None:
        """Save a model input/output array once (by content) for the grader's re-evaluation."""
        try:
            arr, _ = _to_array(data)
            if arr is None or arr.dtype.kind not in "biufU":
                return None
            if arr.dtype.kind in "fiu":
                arr = np.ascontiguousarray(arr, dtype=np.float32 if arr.dtype.kind == "f" else arr.dtype)
            digest = hashlib.blake2b(arr.tobytes(), digest_size=12).hexdigest()
            digest += "-" + "x".join(str(s) for s in arr.shape)
        except Exception:
            return None
        if digest in self._arrays:
            return self._arrays[digest]
        if len(self._arrays) >= MAX_SAVED_ARRAYS or self._array_bytes + arr.nbytes > MAX_SAVED_ARRAY_BYTES:
            return None
        name = f"a{len(self._arrays) + 1}"
        np.save(self._path("arrays", name + ".npy"), arr, allow_pickle=False)
        self._arrays[digest] = name
        self._array_bytes += arr.nbytes
        return name

    def model_path(self, name: str) -> str:
        """Where an exported model goes."""
        return self._path("models", name)

    def _path(self, *parts: str) -> str:
        return os.path.join(self.directory, *parts)

    def close(self) -> None:
        """Flush and close the log."""
        self._log.flush()
        self._log.close()


def _to_array(data: Any) -> tuple[np.ndarray | None, list[Any] | None]:
    columns = None
    module = type(data).__module__
    if module.startswith("pandas"):
        if hasattr(data, "columns"):
            columns = list(data.columns)
        elif getattr(data, "ndim", 0) == 1 and getattr(data, "name", None) is not None:
            columns = [data.name]  # a Series: its name is its one column
        return np.asarray(data.to_numpy()), columns
    if isinstance(data, np.ndarray):
        return data, None
    if isinstance(data, list | tuple):
        if not data:
            return None, None
        arr = np.asarray(data)
        return (arr if arr.dtype != object or arr.ndim == 1 else None), None
    if hasattr(data, "numpy") and hasattr(data, "shape") and hasattr(data, "dtype"):
        return np.asarray(data.numpy()), None  # tf.Tensor / EagerTensor
    if hasattr(data, "__array__") and hasattr(data, "shape"):
        return np.asarray(data), None
    return None, None


def _as_labels(arr: np.ndarray) -> np.ndarray | None:
    """Class labels from a label vector or a one-hot matrix; None when it is not labels."""
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim == 1:
        if arr.dtype.kind in "biuUSO":
            return arr.astype(str) if arr.dtype.kind in "SO" else arr
        if arr.dtype.kind == "f":
            finite = arr[np.isfinite(arr)]
            if finite.size == arr.size and np.all(np.mod(finite, 1) == 0) and len(np.unique(finite)) <= 1000:
                return arr.astype(np.int64)
        return None
    one_hot_shape = arr.ndim == 2 and 1 < arr.shape[1] <= MAX_ONEHOT_CLASSES and arr.dtype.kind in "biuf"
    if one_hot_shape and np.all((arr == 0) | (arr == 1)) and np.all(arr.sum(axis=1) == 1):
        return np.argmax(arr, axis=1).astype(np.int64)
    return None
