"""What the grader and the re-evaluation worker say to each other: one JSON object per line.

The worker's first line describes it (``about``).  Then each request ``{"id", "op", ...}`` gets
one answer ``{"id", "ok", ...}``:

- ``{"op": "warm", "formats": [".keras", ...]}``: import what those files need, ahead of time;
- ``{"op": "load", "model": PATH}``: load the file (kept for the next requests), or say why not;
- ``{"op": "predict", "model": PATH, "inputs": PATH.npy}``: the model's class labels for the
  inputs, as ``{"labels": base64 of a .npy}``; a failure as ``{"ok": false, "kind": "model" |
  "predict", "error": TEXT}`` (``model``: the file cannot be loaded; ``predict``: it loads but
  cannot predict on those inputs).

Only the standard library and NumPy here: it runs on both sides.
"""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import numpy as np

WORKER_MODULE = "grader.reeval.worker"
MODEL_FAILURE, PREDICT_FAILURE = "model", "predict"
ABOUT_PACKAGES = ("numpy", "pandas", "scikit-learn", "skops", "keras", "tensorflow", "tensorflow-cpu", "h5py")
"""The versions the worker reports about itself (those of them installed)."""


class ModelFileError(Exception):
    """The file cannot be loaded safely, or at all."""


class PredictionError(Exception):
    """The model loads but cannot predict on the inputs."""


class ReevaluationFailed(Exception):
    """The worker could not be started, died, or did not answer in time: the grader's side failed."""


def encode(message: dict[str, Any]) -> bytes:
    """One line of the protocol."""
    return (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")


def decode(line: bytes) -> dict[str, Any]:
    """A line of the protocol, as a dict (``ValueError`` when it is not one)."""
    message = json.loads(line.decode("utf-8"))
    if not isinstance(message, dict):
        raise ValueError("not a protocol message")
    return message


def pack_array(values: np.ndarray) -> str:
    """An array as base64 of its ``.npy`` bytes (never pickle: object arrays go as text)."""
    arr = np.asarray(values)
    if arr.dtype.kind == "O":
        arr = arr.astype(str)
    buffer = io.BytesIO()
    np.save(buffer, arr, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def unpack_array(text: str) -> np.ndarray:
    """The array ``pack_array`` packed."""
    return np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)
