"""Hooks on Keras 3: compile, fit, evaluate, predict, save, dataset loaders, Normalization.adapt."""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
from types import ModuleType
from typing import Any

import numpy as np

from .calls import error_text, recording
from .keras_names import compiled_metric_classes, given_metric_classes, layer_activation
from .session import Session

LAYER_KEYS = (
    "units",
    "activation",
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "pool_size",
    "rate",
    "return_sequences",
    "use_bias",
    "dilation_rate",
    "axis",
)
DATASETS = ("mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters", "boston_housing")


def patch_keras(session: Session, keras: ModuleType) -> None:
    """Install every Keras hook; seed Keras for reproducible grading."""
    seed = session.config.get("seed")
    if seed is not None:
        try:
            keras.utils.set_random_seed(int(seed))
        except Exception as exc:
            session.hook_error("keras.set_random_seed", exc)
    model_cls = keras.Model
    for owner in (model_cls, sys.modules.get("keras.src.models.functional")):
        target = getattr(owner, "Functional", owner) if owner is not model_cls else owner
        if isinstance(target, type) and "__init__" in target.__dict__:
            session.wrap(target, "__init__", _note_construction(session))
    session.wrap(model_cls, "compile", recording(session, _record_compile(session), failed=_failed(session, "compile")))
    session.wrap(model_cls, "fit", recording(session, _record_fit(session), failed=_failed(session, "fit")))
    session.wrap(
        model_cls, "evaluate", recording(session, _record_evaluate(session), failed=_failed(session, "evaluate"))
    )
    session.wrap(model_cls, "predict", recording(session, _record_predict(session), failed=_failed(session, "predict")))
    session.wrap(model_cls, "save", recording(session, _record_save(session)))
    file_utils = sys.modules.get("keras.src.utils.file_utils")
    if file_utils is not None and hasattr(file_utils, "validate_file"):
        session.wrap(file_utils, "validate_file", _accept_staged(session))
    normalization = getattr(keras.layers, "Normalization", None)
    if normalization is not None:
        session.wrap(normalization, "adapt", recording(session, _record_adapt(session)))
    patch_keras_aliases(session)


def patch_keras_aliases(session: Session, _module: ModuleType | None = None) -> None:
    """Module-level functions exist once per public alias (``keras.datasets.mnist`` and
    ``tf.keras.datasets.mnist`` are different modules): wrap each copy."""
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("keras") or module is None or ".src." in module_name:
            continue
        last = module_name.rsplit(".", 1)[-1]
        if last in DATASETS and hasattr(module, "load_data"):
            session.wrap(module, "load_data", recording(session, _record_load(session, last)))
        if last in ("saving", "models") and hasattr(module, "save_model"):
            session.wrap(module, "save_model", recording(session, _record_save(session)))


def _accept_staged(session: Session):
    """A staged dataset (real file or offline stand-in) is accepted without Keras' hash check,
    which a stand-in cannot pass and which would otherwise trigger a download."""
    staged = {os.path.realpath(p) for p in (session.config.get("datasets") or {}).values()}

    def factory(original):
        def validate_file(fpath, *args, **kwargs):
            if os.path.realpath(fpath) in staged:
                session.recorder.note("dataset_served", file=os.path.basename(fpath), how="keras cache")
                return True
            return original(fpath, *args, **kwargs)

        return validate_file

    return factory


def _original(model: Any, name: str) -> Any:
    method = getattr(type(model), name)
    return getattr(method, "__wrapped_original__", method)


def _bind(original_args: tuple[Any, ...], kwargs: dict[str, Any], method: Any) -> dict[str, Any]:
    try:
        bound = inspect.signature(method).bind_partial(*original_args, **kwargs)
        bound.apply_defaults()
        return dict(bound.arguments)
    except TypeError:
        return dict(kwargs)


def _name(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return [_name(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _name(v) for k, v in value.items()}
    return getattr(value, "__name__", None) or getattr(value, "name", None) or type(value).__name__


def optimizer_info(optimizer: Any) -> dict[str, Any]:
    """Optimizer class and learning rate, whether given as a string or an object."""
    if optimizer is None or isinstance(optimizer, str):
        return {"name": optimizer}
    info: dict[str, Any] = {"name": type(optimizer).__name__}
    with contextlib.suppress(Exception):  # a schedule has no single learning rate
        info["learning_rate"] = float(f"{float(np.asarray(optimizer.learning_rate)):.7g}")
    return info


def model_info(session: Session, model: Any) -> dict[str, Any]:
    """Layers, units, activations and parameter counts of a Keras model."""
    layers = []
    for layer in getattr(model, "layers", []):
        try:
            config = layer.get_config()
        except Exception:
            config = {}
        entry: dict[str, Any] = {"type": type(layer).__name__, "name": getattr(layer, "name", None)}
        for key in LAYER_KEYS:
            if key in config and key != "activation":
                entry[key] = config[key]
        activation = layer_activation(layer, config)
        if activation is not ...:
            entry["activation"] = _name(activation)
        try:
            entry["params"] = int(layer.count_params()) if layer.built else None
        except Exception:
            entry["params"] = None
        with contextlib.suppress(Exception):  # layers of an unbuilt model have no output yet
            entry["output_shape"] = list(layer.output.shape)
        layers.append(entry)
    info: dict[str, Any] = {
        "mid": session.model_id(model),
        "framework": "keras",
        "class": type(model).__name__,
        "layers": layers,
    }
    try:
        info["param_count"] = int(model.count_params())
        info["trainable_params"] = int(sum(int(np.prod(w.shape)) for w in model.trainable_weights))
    except Exception:
        info["param_count"] = None
    with contextlib.suppress(Exception):
        info["input_shape"] = list(model.inputs[0].shape)
    return info


def _note_construction(session: Session):
    def factory(original):
        def __init__(self, *args, **kwargs):
            original(self, *args, **kwargs)
            try:
                session.remember_constructed(self)
            except Exception as exc:
                session.hook_error("Model.__init__", exc)

        return __init__

    return factory


def describe_unfitted(session: Session) -> None:
    """At the end: describe models that were built but never trained (a crashed fit, a typo)."""
    for model, cell in session.unfitted_models():
        if not getattr(model, "built", False):
            continue
        previous, session.recorder.cell = session.recorder.cell, cell
        try:
            session.recorder.emit("model", fitted=False, **model_info(session, model))
        finally:
            session.recorder.cell = previous


def _failed(session: Session, call: str):
    """Record a compile/fit/evaluate/predict that raised: the model, the call, the exception."""

    def failed(args, kwargs, exc):
        model = args[0] if args else None
        session.recorder.emit(
            "call_error",
            call=call,
            framework="keras",
            mid=session.model_id(model) if model is not None else None,
            cls=type(model).__name__,
            error=error_text(exc),
            model=True,
        )

    return failed


def _record_compile(session: Session):
    def record(args, kwargs, result, elapsed):
        model = args[0]
        bound = _bind(args, kwargs, type(model).compile)
        optimizer = getattr(model, "optimizer", None) or bound.get("optimizer")
        session.recorder.emit(
            "compile",
            mid=session.model_id(model),
            optimizer=optimizer_info(optimizer if optimizer is not None else bound.get("optimizer")),
            optimizer_arg=_name(bound.get("optimizer")),
            loss=_name(bound.get("loss")),
            metrics=_name(bound.get("metrics")),
            metric_classes=given_metric_classes(bound.get("metrics")),
        )

    return record


def _data_pair(value: Any) -> tuple[Any, Any]:
    if isinstance(value, tuple | list) and len(value) >= 2:
        return value[0], value[1]
    return value, None


def _record_fit(session: Session):
    def record(args, kwargs, result, elapsed):
        model = args[0]
        rec = session.recorder
        bound = _bind(args, kwargs, _original(model, "fit"))
        session.remember_fitted(model)
        info = model_info(session, model)
        rec.emit("model", **info)
        x = rec.rowset(bound.get("x"), role="x")
        y = rec.rowset(bound.get("y"), role="y")
        validation: dict[str, Any] = {"mode": "none"}
        if bound.get("validation_data") is not None:
            vx, vy = _data_pair(bound["validation_data"])
            validation = {"mode": "data", "x": rec.rowset(vx, role="x"), "y": rec.rowset(vy, role="y")}
        elif bound.get("validation_split"):
            validation = {"mode": "split", "fraction": float(bound["validation_split"])}
        history = {}
        if hasattr(result, "history"):
            history = {str(k): [float(v) for v in vals] for k, vals in result.history.items()}
            session.watch(result, "history", history, f"the History returned by fit in {session.cell_label()}")
        batch_size = bound.get("batch_size")
        if batch_size is None and x is not None:
            batch_size = 32  # Keras' documented default for array input
        rec.emit(
            "fit",
            mid=info["mid"],
            framework="keras",
            x=x,
            y=y,
            epochs=bound.get("epochs"),
            epochs_run=len(next(iter(history.values()), [])),
            batch_size=batch_size,
            initial_epoch=bound.get("initial_epoch"),
            validation=validation,
            history=history,
            seconds=elapsed,
            callbacks=[type(c).__name__ for c in (bound.get("callbacks") or [])],
            metric_classes=compiled_metric_classes(model),
        )

    return record


def _record_evaluate(session: Session):
    def record(args, kwargs, result, elapsed):
        model = args[0]
        rec = session.recorder
        bound = _bind(args, kwargs, _original(model, "evaluate"))
        names = None
        with contextlib.suppress(Exception):
            names = list(model.metrics_names)
        rec.emit(
            "evaluate",
            mid=session.model_id(model),
            framework="keras",
            method="evaluate",
            x=rec.rowset(bound.get("x"), role="x"),
            y=rec.rowset(bound.get("y"), role="y"),
            array=rec.save_array(bound.get("x")),
            array_y=rec.save_array(bound.get("y")),
            result=result,
            names=names,
        )

    return record


def prediction_labels(result: Any) -> np.ndarray | None:
    """Class labels implied by a prediction array (argmax, or 0.5 for one sigmoid unit)."""
    try:
        pred = np.asarray(result)
    except Exception:
        return None
    if pred.ndim == 2 and pred.shape[1] > 1:
        return np.argmax(pred, axis=1)
    if pred.ndim == 2 and pred.shape[1] == 1:
        return (pred[:, 0] > 0.5).astype(np.int64)
    if pred.ndim == 1:
        return (pred > 0.5).astype(np.int64) if pred.dtype.kind == "f" else pred
    return None


def _record_predict(session: Session):
    def record(args, kwargs, result, elapsed):
        model = args[0]
        rec = session.recorder
        bound = _bind(args, kwargs, _original(model, "predict"))
        labels = prediction_labels(result)
        rec.emit(
            "predict",
            mid=session.model_id(model),
            framework="keras",
            method="predict",
            x=rec.rowset(bound.get("x"), role="x"),
            array=rec.save_array(bound.get("x")),
            output=rec.rowset(labels, role="y") if labels is not None else None,
            output_shape=list(np.shape(result)),
        )

    return record


def _record_save(session: Session):
    def record(args, kwargs, result, elapsed):
        model = args[0]
        path = args[1] if len(args) > 1 else kwargs.get("filepath")
        path = os.fspath(path) if path is not None else None
        session.recorder.emit(
            "save",
            mid=session.model_id(model),
            framework="keras",
            path=os.path.abspath(path) if path else None,
            format=os.path.splitext(path)[1].lstrip(".") if path else None,
        )

    return record


def _record_adapt(session: Session):
    def record(args, kwargs, result, elapsed):
        layer = args[0]
        data = args[1] if len(args) > 1 else kwargs.get("data")
        session.recorder.emit(
            "prep_fit",
            estimator=type(layer).__name__,
            module="keras.layers",
            mid=session.model_id(layer),
            input=session.recorder.rowset(data, role="x"),
            method="adapt",
        )

    return record


def _record_load(session: Session, name: str):
    def record(args, kwargs, result, elapsed):
        rec = session.recorder
        try:
            (x_train, y_train), (x_test, y_test) = result
        except (TypeError, ValueError):
            return
        rec.emit(
            "dataset_load",
            name=name,
            outputs=[
                {"input": 0, "part": "train", "rows": rec.rowset(x_train, role="x")},
                {"input": 0, "part": "test", "rows": rec.rowset(x_test, role="x")},
                {"input": 1, "part": "train", "rows": rec.rowset(y_train, role="y")},
                {"input": 1, "part": "test", "rows": rec.rowset(y_test, role="y")},
            ],
        )

    return record
