"""Load a model file written by a student's kernel, safely, in the grader's own process.

Keras files load with ``safe_mode=True`` (no Lambda bytecode); legacy .h5 files are refused
when their config holds a Lambda layer.  scikit-learn models come as skops files and only
scikit-learn, NumPy and SciPy types are trusted.  Pickle and joblib are never loaded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import numpy as np

Predictor = Callable[[np.ndarray], np.ndarray]
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.", "collections.")


class ModelFileError(Exception):
    """The file cannot be loaded safely, or at all."""


def keras_labels(pred: np.ndarray) -> np.ndarray:
    """Class labels from Keras outputs: argmax, or 0.5 for a single sigmoid unit."""
    pred = np.asarray(pred)
    if pred.ndim == 2 and pred.shape[1] > 1:
        return np.argmax(pred, axis=1)
    if pred.ndim == 2:
        return (pred[:, 0] > 0.5).astype(np.int64)
    return (pred > 0.5).astype(np.int64)


def load_predictor(path: str) -> Predictor:
    """A function from inputs to predicted labels for a .keras, .h5 or .skops file."""
    if not os.path.isfile(path):
        raise ModelFileError(f"{os.path.basename(path)} does not exist")
    ext = os.path.splitext(path)[1].lower()
    if ext in (".keras", ".h5", ".hdf5"):
        return _keras_predictor(path, ext)
    if ext == ".skops":
        return _skops_predictor(path)
    if ext in (".pkl", ".pickle", ".joblib", ".sav"):
        raise ModelFileError("pickle/joblib files are not loaded by the grader (they can run code)")
    raise ModelFileError(f"unknown model file type {ext or '(none)'}")


def _keras_predictor(path: str, ext: str) -> Predictor:
    if ext != ".keras":
        _refuse_h5_lambda(path)
    import keras

    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:
        raise ModelFileError(f"Keras could not load it: {type(exc).__name__}: {str(exc)[:200]}") from exc

    def predict(x: np.ndarray) -> np.ndarray:
        return keras_labels(model.predict(x, verbose=0))

    return predict


def _refuse_h5_lambda(path: str) -> None:
    try:
        import h5py

        with h5py.File(path, "r") as handle:
            config = handle.attrs.get("model_config")
    except Exception as exc:
        raise ModelFileError(f"not a readable HDF5 model: {type(exc).__name__}") from exc
    if config is None:
        raise ModelFileError("the HDF5 file holds weights only, no model")
    text = config.decode() if isinstance(config, bytes) else str(config)
    if "Lambda" in json.dumps(json.loads(text)):
        raise ModelFileError("the model has a Lambda layer, which the grader does not load")


def _skops_predictor(path: str) -> Predictor:
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:
        raise ModelFileError(f"not a skops file: {type(exc).__name__}") from exc
    refused = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
    if refused:
        raise ModelFileError(f"the model holds types the grader does not trust: {', '.join(refused[:3])}")
    try:
        model = sio.load(path, trusted=untrusted)
    except Exception as exc:
        raise ModelFileError(f"skops could not load it: {type(exc).__name__}: {str(exc)[:200]}") from exc

    def predict(x: np.ndarray) -> np.ndarray:
        return np.asarray(model.predict(x))

    return predict
