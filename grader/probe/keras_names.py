"""What a Keras model's functions and metrics really are, named as a person would name them.

``Dense(4, activation=tf.nn.softmax)`` holds TensorFlow's ``softmax_v2`` and Keras serializes it
as a function config; a metric compiled as ``"accuracy"`` is resolved by Keras at the first fit
into ``CategoricalAccuracy``, ``SparseCategoricalAccuracy`` or ``BinaryAccuracy``.  The probe
records the names and the classes that did the work, not what the notebook's strings suggest.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

_VERSION_SUFFIX = re.compile(r"_v\d+$")


def activation_name(function: Any) -> str | None:
    """``tf.nn.softmax`` -> ``softmax``; a lambda -> ``lambda``; a notebook's own function by its
    name; a layer (or other callable object) used as an activation by its class."""
    if function is None or isinstance(function, str):
        return function
    name = getattr(function, "__name__", None)
    if not isinstance(name, str):
        return type(function).__name__
    if name == "<lambda>":
        return "lambda"
    return _VERSION_SUFFIX.sub("", name)


def layer_activation(layer: Any, config: dict[str, Any]) -> Any:
    """The activation a layer applies (its function when it has one, else its config entry);
    ``...`` when the layer has none."""
    function = getattr(layer, "activation", None)
    if callable(function):
        return activation_name(function)
    return config.get("activation", ...)


def given_metric_classes(metrics: Any) -> dict[str, str]:
    """Metric objects given to compile, by the name Keras will report: ``{"accuracy":
    "BinaryAccuracy"}`` for ``BinaryAccuracy(name="accuracy")``.  Strings and functions are
    resolved by Keras later (see :func:`compiled_metric_classes`)."""
    if isinstance(metrics, dict):
        metrics = list(metrics.values())
    found: dict[str, str] = {}
    for item in metrics if isinstance(metrics, list | tuple) else [metrics]:
        if isinstance(item, list | tuple | dict):
            found.update(given_metric_classes(item))
            continue
        if item is None or isinstance(item, str) or hasattr(item, "__name__"):
            continue  # a name or a function: Keras resolves it at the first fit
        name = getattr(item, "name", None)
        if isinstance(name, str):
            found[name] = type(item).__name__
    return found


def compiled_metric_classes(model: Any) -> dict[str, str]:
    """The metrics Keras built for a trained model, by name: ``{"accuracy": "CategoricalAccuracy"}``."""
    found: dict[str, str] = {}
    with contextlib.suppress(Exception):  # Keras 3's compiled metrics; absent before the first fit
        container = getattr(model, "_compile_metrics", None)
        for metric in getattr(container, "metrics", None) or []:
            found[str(metric.name)] = type(metric).__name__
    return found
