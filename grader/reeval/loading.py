"""Load a model file written by a student's kernel, safely, in the re-evaluation worker.

Keras files load with ``safe_mode=True`` and nothing of the notebook is ever run: before Keras
sees a file, its architecture (JSON) is read and a model that needs notebook code - a lambda,
a function or class defined in the notebook - is refused with a reason that names it.  A few
library functions that Keras saves under a name of their own (``tf.nn.softmax`` is saved as
``softmax_v2``) are mapped to the Keras built-in that computes the same thing.  scikit-learn
models come as skops files and only scikit-learn, NumPy and SciPy types are trusted.  Pickle
and joblib are never loaded.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .protocol import ModelFileError

Predictor = Callable[[np.ndarray], np.ndarray]
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.", "collections.")
LIBRARY_FUNCTIONS = {
    "softmax_v2": "softmax",  # tf.nn.softmax, tf.math.softmax
    "log_softmax_v2": "log_softmax",  # tf.nn.log_softmax
    "swish": "silu",  # tf.nn.swish, tf.nn.silu
}
"""Names TensorFlow functions are saved under -> the Keras activation that computes the same
(tests/evidence/test_model_files.py checks each pair numerically)."""
MAX_CONFIG_BYTES = 20_000_000
KERAS_FORMATS = (".keras", ".h5", ".hdf5")
SKOPS_FORMATS = (".skops",)


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
    if ext in KERAS_FORMATS:
        return _keras_predictor(path, ext)
    if ext in SKOPS_FORMATS:
        return _skops_predictor(path)
    if ext in (".pkl", ".pickle", ".joblib", ".sav"):
        raise ModelFileError("pickle/joblib files are not loaded by the grader (they can run code)")
    raise ModelFileError(f"unknown model file type {ext or '(none)'}")


def _keras_predictor(path: str, ext: str) -> Predictor:
    config = _keras_config(path) if ext == ".keras" else _h5_config(path)
    needed = notebook_code(config)
    if needed:
        raise ModelFileError(
            f"it uses {', '.join(needed[:3])}, written in the notebook, and the grader never runs notebook code, "
            "so it cannot rebuild the model (built-in Keras layers and activations such as 'relu' or tf.nn.relu "
            "can be rebuilt)"
        )
    import keras

    custom = {saved: getattr(keras.activations, builtin) for saved, builtin in LIBRARY_FUNCTIONS.items()}
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True, custom_objects=custom)
    except Exception as exc:
        raise ModelFileError(f"Keras could not load it: {type(exc).__name__}: {str(exc)[:200]}") from exc

    def predict(x: np.ndarray) -> np.ndarray:
        return keras_labels(model.predict(x, verbose=0))

    return predict


def _keras_config(path: str) -> Any:
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("config.json")
            if info.file_size > MAX_CONFIG_BYTES:
                raise ModelFileError("its architecture is too large to read")
            return json.loads(archive.read(info))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ModelFileError(f"not a readable .keras file: {type(exc).__name__}") from exc


def _h5_config(path: str) -> Any:
    try:
        import h5py

        with h5py.File(path, "r") as handle:
            config = handle.attrs.get("model_config")
    except Exception as exc:
        raise ModelFileError(f"not a readable HDF5 model: {type(exc).__name__}") from exc
    if config is None:
        raise ModelFileError("the HDF5 file holds weights only, no model")
    try:
        return json.loads(config.decode() if isinstance(config, bytes) else str(config))
    except ValueError as exc:
        raise ModelFileError("the HDF5 file's architecture is not readable") from exc


def notebook_code(config: Any) -> list[str]:
    """What in a saved architecture would need the notebook's own code to rebuild: lambdas,
    Lambda layers, functions and classes that are neither Keras' nor known library functions.
    Only the architecture counts: the compile settings are not loaded (``compile=False``)."""
    if isinstance(config, dict) and "config" in config and "compile_config" in config:
        config = {k: v for k, v in config.items() if k != "compile_config"}
    found: list[str] = []
    for item, layer in _walk(config, None):
        what = _needs_code(item)
        if what is not None:
            where = f" (layer {layer})" if layer else ""
            if what + where not in found:
                found.append(what + where)
    return found


def _walk(value: Any, layer: str | None) -> Iterator[tuple[dict[str, Any], str | None]]:
    if isinstance(value, dict):
        inner = value.get("config")
        if isinstance(inner, dict) and isinstance(inner.get("name"), str) and "trainable" in inner:
            layer = inner["name"]  # a layer's config: what is found inside is named after it
        yield value, layer
        if _needs_code(value) is not None:
            return  # a Lambda layer is named once, not again for the lambda inside it
        for child in value.values():
            yield from _walk(child, layer)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child, layer)


def _needs_code(item: dict[str, Any]) -> str | None:
    kind = item.get("class_name")
    if kind == "__lambda__" or (set(item) == {"value"} and isinstance(item["value"], list)):
        return "a lambda"
    if kind == "Lambda":
        return "a Lambda layer"
    if kind == "function":
        name = item.get("config")
        if isinstance(name, str) and name not in LIBRARY_FUNCTIONS and not _keras_builtin(name):
            return f"the function {name}"
        return None
    if not isinstance(kind, str):
        return None
    module = item.get("module", "keras")  # legacy .h5 configs name no module
    registered = item.get("registered_name")
    # Keras' own classes are saved with a keras module; the notebook's with none (or __main__),
    # registered ones as "package>Name"
    custom_module = module is None or (isinstance(module, str) and not module.startswith("keras"))
    if custom_module or (isinstance(registered, str) and ">" in registered):
        return f"the class {registered if isinstance(registered, str) else kind}"
    return None


def _keras_builtin(name: str) -> bool:
    import keras

    try:
        return callable(keras.activations.get(name))
    except Exception:
        return False


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
