"""Small shared vocabulary of the checks: canonical names and the final model."""

from __future__ import annotations

import re

from ..models.evidence import Evidence, FitRecord, ModelRecord

ACTIVATION_ALIASES = {"logistic": "sigmoid", "identity": "linear", "none": "linear"}
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


def snake(name: str | None) -> str:
    """``CategoricalCrossentropy`` -> ``categoricalcrossentropy``; ``Adam`` -> ``adam``."""
    return re.sub(r"[^a-z0-9]", "", (name or "").lower())


def canonical_activation(name: str | None) -> str:
    """A comparable activation name (logistic == sigmoid)."""
    key = snake(name) or "linear"
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


def final_model(evidence: Evidence) -> ModelRecord | None:
    """The model the notebook ends up judging (see ``grader.evidence.roles``)."""
    mid = evidence.roles.final_mid
    if mid and mid in evidence.models:
        return evidence.models[mid]
    if evidence.fits:
        return evidence.models.get(evidence.fits[-1].mid)
    # nothing was trained (a crash, a typo): the last model the notebook compiled, else built
    compiled = {c.mid for c in evidence.compiles}
    candidates = [m for m in evidence.models.values() if m.mid in compiled] or list(evidence.models.values())
    return max(candidates, key=lambda m: m.seq, default=None)


def final_fit(evidence: Evidence) -> FitRecord | None:
    """The last training run of the final model."""
    model = final_model(evidence)
    if model is None:
        return None
    fits = evidence.fits_for(model.mid)
    return fits[-1] if fits else None


def one_of(value: object | list[object] | None) -> list[object]:
    """A rubric value that may be one item or a list of acceptable items."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]
