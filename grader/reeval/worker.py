"""The re-evaluation worker: ``python -m grader.reeval.worker``, with a grading environment's
interpreter (or the grader's own when no environment is named).

It reads requests on stdin and answers on a private copy of stdout (see ``protocol``); whatever
Keras, TensorFlow or a model prints goes to stderr.  Each model file is loaded once and kept for
the next request.  Nothing of the notebook runs here: Keras files load with ``safe_mode`` after
their architecture was checked, scikit-learn models as skops files of trusted types only
(``loading``).  It exits when stdin closes.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import shutil
import sys
import tempfile
from typing import Any

import numpy as np

from .loading import KERAS_FORMATS, SKOPS_FORMATS, Predictor, load_predictor
from .protocol import (
    ABOUT_PACKAGES,
    MODEL_FAILURE,
    PREDICT_FAILURE,
    ModelFileError,
    decode,
    encode,
    pack_array,
)

QUIET_ENV = {
    "PYTHONHASHSEED": "0",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_DETERMINISTIC_OPS": "1",
    "TF_ENABLE_ONEDNN_OPTS": "0",  # as in the kernel: the same numbers from the same weights
    "CUDA_VISIBLE_DEVICES": "-1",
    "KERAS_BACKEND": "tensorflow",
    "PYTHONWARNINGS": "ignore",
}


def about() -> dict[str, Any]:
    """Which interpreter and versions this worker is (recorded with the evidence)."""
    packages = {"python": platform.python_version()}
    for name in ABOUT_PACKAGES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            packages[name] = importlib.metadata.version(name)
    return {"executable": sys.executable, "prefix": sys.prefix, "packages": packages}


def warm(formats: list[str]) -> None:
    """Import what loading files of these formats needs, before the first one arrives."""
    if any(f in KERAS_FORMATS for f in formats):
        import keras  # noqa: F401

    if any(f in SKOPS_FORMATS for f in formats):
        import skops.io  # noqa: F401


class Models:
    """Each model file loaded once (or refused once), by path."""

    def __init__(self) -> None:
        self.loaded: dict[str, Predictor | ModelFileError] = {}

    def get(self, path: str) -> Predictor:
        if path not in self.loaded:
            try:
                self.loaded[path] = load_predictor(path)
            except ModelFileError as exc:
                self.loaded[path] = exc
        found = self.loaded[path]
        if isinstance(found, ModelFileError):
            raise found
        return found


def answer(request: dict[str, Any], models: Models) -> dict[str, Any]:
    """The answer to one request."""
    op = request.get("op")
    if op == "warm":
        try:
            warm([str(f) for f in request.get("formats") or []])
        except Exception as exc:  # not installed here: the load that needs it will say so
            return {"ok": False, "kind": MODEL_FAILURE, "error": type(exc).__name__}
        return {"ok": True}
    if op not in ("load", "predict"):
        return {"ok": False, "kind": PREDICT_FAILURE, "error": f"unknown request {op!r}"}
    try:
        predict = models.get(str(request["model"]))
    except ModelFileError as exc:
        return {"ok": False, "kind": MODEL_FAILURE, "error": str(exc)}
    if op == "load":
        return {"ok": True}
    try:
        x = np.load(str(request["inputs"]), allow_pickle=False)
        labels = np.asarray(predict(x))
    except Exception as exc:  # the student's model cannot run on these rows
        return {"ok": False, "kind": PREDICT_FAILURE, "error": type(exc).__name__}
    return {"ok": True, "labels": pack_array(labels)}


def main() -> int:
    """Answer requests until stdin closes."""
    channel = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # what the libraries print must not mix with the answers
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)
    scratch = tempfile.mkdtemp(prefix="grader-reeval-")  # Keras and matplotlib write their settings here
    os.environ["KERAS_HOME"] = os.path.join(scratch, ".keras")
    os.environ["MPLCONFIGDIR"] = os.path.join(scratch, ".matplotlib")
    models = Models()
    try:
        channel.write(encode({"about": about()}))
        for line in sys.stdin.buffer:
            if not line.strip():
                continue
            try:
                request = decode(line)
            except ValueError:
                continue
            reply = answer(request, models)
            channel.write(encode({"id": request.get("id"), **reply}))
    except BrokenPipeError:  # the grader went away
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
