"""Records of what the notebook did with data and models (calls the probe saw).

Part of the evidence model; ``grader.models.evidence`` re-exports every name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .statistics import ColumnStats

SHAPE_MIN_WIDTH = 16
"""Rows narrower than this are matched by exact values only.  The rescaling-proof pattern is for
images (x / 255): a short tabular row's pattern is shared by other rows too often (two Iris
flowers collide), and tabular rescaling goes through recorded transforms anyway."""


@dataclass(frozen=True, eq=False)
class Rows:
    """A dataset argument the probe saw: its size and its row fingerprints."""

    id: str
    n: int
    shape: tuple[int, ...]
    dtype: str
    kind: Literal["features", "labels"]
    exact: np.ndarray
    """uint64 per row; equal rows have equal fingerprints."""
    shape_fp: np.ndarray
    """uint64 per row, unchanged by a positive affine rescaling of the whole array."""
    labels: np.ndarray | None = None
    """The class of each row, for label vectors and one-hot matrices."""
    columns: tuple[str, ...] | None = None
    classes: dict[str, int] | None = None
    missing: int | None = None
    """Rows holding a missing value (NaN) in some column; None when not counted (not numbers)."""
    stats: ColumnStats | None = None
    """Per-column count, mean, spread and range of numeric features (None for labels, for wide
    arrays such as images, and when the probe did not measure them)."""

    @property
    def width(self) -> int:
        """Values per row (features per sample)."""
        return int(np.prod(self.shape[1:])) if len(self.shape) > 1 else 1

    @property
    def shape_identifies(self) -> bool:
        """Whether ``shape_fp`` is wide enough to recognise a row by (see SHAPE_MIN_WIDTH)."""
        return self.width >= SHAPE_MIN_WIDTH


@dataclass(frozen=True)
class SplitPart:
    """One output of a split: which input array it came from and which side it is."""

    input: int
    part: Literal["train", "test"]
    rows: Rows | None


@dataclass(frozen=True)
class SplitRecord:
    """A ``train_test_split`` call, or a dataset that comes already split (``mnist.load_data``)."""

    seq: int
    cell: int
    func: str
    inputs: tuple[Rows | None, ...]
    outputs: tuple[SplitPart, ...]
    test_size: Any = None
    train_size: Any = None
    random_state: Any = None
    stratify: bool = False
    predefined: bool = False

    def part(self, input_index: int, side: str) -> Rows | None:
        """The rows of one output (``part(0, "test")`` is the X test side)."""
        for out in self.outputs:
            if out.input == input_index and out.part == side:
                return out.rows
        return None


@dataclass(frozen=True)
class PrepFitRecord:
    """A preprocessing step learned statistics from some rows (scaler, imputer, adapt...)."""

    seq: int
    cell: int
    estimator: str
    module: str
    mid: str
    input: Rows | None
    method: str
    parts: tuple[str, ...] = ()
    """For a Pipeline/ColumnTransformer: the class names of the steps inside it."""
    output: Rows | None = None
    """What a pandas fill produced (the filled frame), to follow it to the model's data."""


@dataclass(frozen=True)
class TransformRecord:
    """Rows went in, transformed rows came out (lineage for the leakage check)."""

    seq: int
    cell: int
    estimator: str
    mid: str
    input: Rows | None
    output: Rows | None


@dataclass(frozen=True)
class LayerRecord:
    """One Keras layer."""

    type: str
    name: str | None = None
    units: int | None = None
    activation: str | None = None
    filters: int | None = None
    kernel_size: tuple[int, ...] | None = None
    pool_size: tuple[int, ...] | None = None
    strides: tuple[int, ...] | None = None
    padding: str | None = None
    rate: float | None = None
    params: int | None = None
    output_shape: tuple[int | None, ...] | None = None


@dataclass(frozen=True)
class ModelRecord:
    """A model's architecture, as seen when it was last fitted."""

    seq: int
    cell: int
    mid: str
    framework: Literal["keras", "sklearn"]
    cls: str
    layers: tuple[LayerRecord, ...] = ()
    param_count: int | None = None
    trainable_params: int | None = None
    input_shape: tuple[int | None, ...] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    """scikit-learn hyper-parameters (of the final estimator for a pipeline or search)."""
    final_class: str | None = None
    steps: tuple[str, ...] = ()
    layer_sizes: tuple[int, ...] = ()
    classes: tuple[str, ...] = ()
    out_activation: str | None = None
    """scikit-learn's ``out_activation_`` of an MLP (softmax, logistic, identity)."""
    fitted: bool = True
    """False for a model that was built (and maybe compiled) but never trained."""


@dataclass(frozen=True)
class CompileRecord:
    """``model.compile(...)``."""

    seq: int
    cell: int
    mid: str
    optimizer: str | None
    learning_rate: float | None
    loss: str | None
    metrics: tuple[str, ...]
    metric_classes: dict[str, str] = field(default_factory=dict)
    """Metric objects given to compile, by name (``{"accuracy": "BinaryAccuracy"}``)."""


@dataclass(frozen=True)
class ValidationRecord:
    """Where a fit's validation data came from."""

    mode: Literal["none", "data", "split"]
    x: Rows | None = None
    y: Rows | None = None
    fraction: float | None = None


@dataclass(frozen=True)
class FitRecord:
    """A training run and its history."""

    seq: int
    cell: int
    mid: str
    framework: Literal["keras", "sklearn"]
    x: Rows | None
    y: Rows | None
    epochs: int | None
    epochs_run: int | None
    batch_size: int | str | None
    validation: ValidationRecord
    history: dict[str, tuple[float, ...]]
    seconds: float
    hyperparams: dict[str, Any] = field(default_factory=dict)
    callbacks: tuple[str, ...] = ()
    method: str = "fit"
    """``fit``, or ``partial_fit`` (one epoch of a hand-written loop per call)."""
    metric_classes: dict[str, str] = field(default_factory=dict)
    """The metric classes Keras built for this run, by name (``"accuracy"`` resolved by Keras)."""


@dataclass(frozen=True)
class EvaluateRecord:
    """``model.evaluate(x, y)`` or ``estimator.score(X, y)``; ``result`` is what it returned."""

    seq: int
    cell: int
    mid: str
    framework: str
    method: str
    x: Rows | None
    y: Rows | None
    array: str | None
    array_y: str | None
    result: Any


@dataclass(frozen=True)
class PredictRecord:
    """``model.predict(x)``; ``output`` holds the predicted class of each row."""

    seq: int
    cell: int
    mid: str
    framework: str
    method: str
    x: Rows | None
    array: str | None
    output: Rows | None


@dataclass(frozen=True)
class MetricCallRecord:
    """A scikit-learn metric or confusion matrix computed by the notebook."""

    seq: int
    cell: int
    func: str
    y_true: Rows | None
    y_pred: Rows | None
    value: Any
    display: bool = False
    mid: str | None = None
    x: Rows | None = None
    array: str | None = None
    array_y: str | None = None


@dataclass(frozen=True)
class SaveRecord:
    """The notebook saved a model."""

    seq: int
    cell: int
    mid: str
    path: str | None
    format: str | None


@dataclass(frozen=True)
class ExportRecord:
    """The probe exported a live model at the end of the run for re-evaluation."""

    mid: str
    framework: str | None
    file: str | None
    error: str | None = None


@dataclass(frozen=True)
class SearchRecord:
    """A hyper-parameter search object (GridSearchCV...) that was fitted."""

    seq: int
    cell: int
    mid: str
    method: str
    n_candidates: int
    candidates: tuple[dict[str, Any], ...]
    scores: tuple[float, ...]
    best_params: dict[str, Any] | None


@dataclass(frozen=True)
class CallErrorRecord:
    """A hooked call that raised instead of returning (``fit`` on data with NaN, ``predict``
    on the wrong shape): what was called, where, and the exception."""

    seq: int
    cell: int
    call: str
    """The method: ``compile``, ``fit``, ``evaluate``, ``predict``, ``partial_fit``, ``fit_transform``."""
    framework: Literal["keras", "sklearn"]
    mid: str | None
    cls: str
    """The class of the object it was called on (``Sequential``, ``MLPClassifier``)."""
    error: str
    """``ExceptionType: message`` (one line, shortened)."""
    model: bool = True
    """False for a preprocessing step (a scaler's fit) rather than a model."""
