"""Canonical names of activations, layers, losses and metrics, so spellings compare equal."""

from __future__ import annotations

import re

ACTIVATION_ALIASES = {
    "logistic": "sigmoid",
    "identity": "linear",
    "none": "linear",
    "silu": "swish",  # tf.nn.silu is tf.nn.swish; Keras saves swish as silu
    "hardsilu": "hardswish",
}
LAYER_ALIASES = {
    "convolution2d": "conv2d",
    "maxpool2d": "maxpooling2d",
    "averagepooling2d": "averagepooling2d",
    "avgpool2d": "averagepooling2d",
    "maxpool1d": "maxpooling1d",
    "convolution1d": "conv1d",
}
IGNORED_LAYERS = frozenset({"inputlayer"})
LOSS_ALIASES = {
    "categoricalcrossentropy": "categorical_crossentropy",
    "sparsecategoricalcrossentropy": "sparse_categorical_crossentropy",
    "binarycrossentropy": "binary_crossentropy",
    "meansquarederror": "mean_squared_error",
    "mse": "mean_squared_error",
    "meanabsoluteerror": "mean_absolute_error",
    "mae": "mean_absolute_error",
}
METRIC_ALIASES = {
    "acc": "accuracy",
    "categorical_accuracy": "accuracy",
    "sparse_categorical_accuracy": "accuracy",
    "binary_accuracy": "accuracy",
}
_VERSION_SUFFIX = re.compile(r"_v\d+$")


def snake(name: str | None) -> str:
    """``CategoricalCrossentropy`` -> ``categoricalcrossentropy``; ``Adam`` -> ``adam``."""
    return re.sub(r"[^a-z0-9]", "", (name or "").lower())


def readable_activation(name: str | None) -> str:
    """An activation as a person names it: TensorFlow's ``softmax_v2`` (``tf.nn.softmax``) is
    ``softmax``, an anonymous function is ``lambda``, no activation is ``linear``."""
    text = (name or "").strip()
    if not text or text.lower() == "none":
        return "linear"
    if text in ("<lambda>", "__lambda__"):
        return "lambda"
    return _VERSION_SUFFIX.sub("", text)


def canonical_activation(name: str | None) -> str:
    """A comparable activation name (logistic == sigmoid, tf.nn.softmax == softmax)."""
    key = snake(readable_activation(name))
    return ACTIVATION_ALIASES.get(key, key)


def canonical_layer(name: str | None) -> str:
    """A comparable layer type name (MaxPool2D == MaxPooling2D)."""
    key = snake(name)
    return LAYER_ALIASES.get(key, key)


def canonical_loss(name: str | None) -> str:
    """A comparable loss name (CategoricalCrossentropy == categorical_crossentropy)."""
    key = snake(name)
    return LOSS_ALIASES.get(key, (name or "").lower())


def canonical_metric(name: str | None) -> str:
    """A comparable metric name (acc == accuracy)."""
    key = (name or "").lower()
    return METRIC_ALIASES.get(key, key)
