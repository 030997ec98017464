"""What a notebook did, as typed, frozen records.

The probe writes raw events (``events.jsonl`` plus ``.npy`` side files); ``grader.evidence``
turns them into these records.  Checks read nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .execution import CellRun

EVIDENCE_SCHEMA = 1


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

    @property
    def width(self) -> int:
        """Values per row (features per sample)."""
        return int(np.prod(self.shape[1:])) if len(self.shape) > 1 else 1


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
class LineRecord:
    """A plotted line."""

    label: str
    x: tuple[float | None, ...]
    y: tuple[float | None, ...]


@dataclass(frozen=True)
class GridRecord:
    """An image or heatmap: its shape and (when small) its values."""

    shape: tuple[int, ...]
    values: tuple[tuple[float | None, ...], ...] | None


@dataclass(frozen=True)
class AxesRecord:
    """One Axes of a figure."""

    title: str
    xlabel: str
    ylabel: str
    legend: tuple[str, ...]
    lines: tuple[LineRecord, ...]
    images: tuple[GridRecord, ...]
    meshes: tuple[GridRecord, ...]
    texts: tuple[str, ...]
    xticklabels: tuple[str, ...] = ()
    yticklabels: tuple[str, ...] = ()
    bars: int = 0


@dataclass(frozen=True)
class FigureRecord:
    """A figure, captured before it was closed."""

    seq: int
    cell: int
    reason: str
    suptitle: str
    legend: tuple[str, ...]
    axes: tuple[AxesRecord, ...]


@dataclass(frozen=True)
class NoteRecord:
    """Something done on the student's behalf, or a probe problem, for the report."""

    seq: int
    cell: int
    code: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class ClaimRecord:
    """A number the notebook printed about a metric ("accuracy: 0.97")."""

    cell: int
    metric: Literal["accuracy", "loss", "f1"]
    value: float
    qualifier: Literal["test", "validation", "train", "unknown"]
    text: str


@dataclass(frozen=True)
class CellOutput:
    """What a cell showed: printed text and how many images."""

    index: int
    text: str
    images: int
    source: str


@dataclass(frozen=True)
class Measurement:
    """The grader's own evaluation of a model on data the notebook used."""

    mid: str
    role: str
    """"test" or "validation": which set the rows were judged to be."""
    n: int
    accuracy: float
    macro_f1: float
    confusion: tuple[tuple[int, ...], ...]
    labels: tuple[str, ...]
    predicted_classes: int
    majority_accuracy: float
    """Accuracy of always answering the most common true class on these rows."""
    source: str
    """Which notebook call supplied the rows and labels."""


@dataclass(frozen=True)
class SavedModelCheck:
    """A model file the notebook saved, loaded back by the grader."""

    path: str
    format: str | None
    loads: bool
    agreement: float | None
    """Fraction of test rows where the file and the final live model predict the same class."""
    error: str | None = None


@dataclass(frozen=True)
class DataRoles:
    """Which rows the final model trained on, validated on and was tested on."""

    final_mid: str | None
    train: Rows | None = None
    validation: Rows | None = None
    validation_mode: str = "none"
    validation_fraction: float | None = None
    test: Rows | None = None
    test_source: str | None = None
    overlaps: dict[str, int] = field(default_factory=dict)
    """Rows shared between sets (train_test, train_validation, validation_test), duplicates excluded."""
    test_is_validation: bool = False
    leaks: tuple[str, ...] = ()
    """Preprocessing fits that saw validation or test rows, described in words."""
    total_rows: int | None = None
    """Rows in the data before any split (when a split was seen)."""


@dataclass(frozen=True, eq=False)
class Evidence:
    """Everything learned about one run of one notebook."""

    schema: int
    status: str
    reason: str | None
    cells: tuple[CellRun, ...]
    outputs: tuple[CellOutput, ...] = ()
    markdown: tuple[str, ...] = ()
    """The text of the notebook's markdown cells (explanations are graded too)."""
    splits: tuple[SplitRecord, ...] = ()
    prep_fits: tuple[PrepFitRecord, ...] = ()
    transforms: tuple[TransformRecord, ...] = ()
    models: dict[str, ModelRecord] = field(default_factory=dict)
    compiles: tuple[CompileRecord, ...] = ()
    fits: tuple[FitRecord, ...] = ()
    evaluations: tuple[EvaluateRecord, ...] = ()
    predictions: tuple[PredictRecord, ...] = ()
    metric_calls: tuple[MetricCallRecord, ...] = ()
    saves: tuple[SaveRecord, ...] = ()
    exports: tuple[ExportRecord, ...] = ()
    searches: tuple[SearchRecord, ...] = ()
    figures: tuple[FigureRecord, ...] = ()
    notes: tuple[NoteRecord, ...] = ()
    claims: tuple[ClaimRecord, ...] = ()
    tampered: tuple[str, ...] = ()
    probe_ok: bool = True
    """False when the probe never started or its final report is missing."""
    roles: DataRoles = field(default_factory=lambda: DataRoles(final_mid=None))
    measurements: tuple[Measurement, ...] = ()
    reevaluation_problem: str | None = None
    """Why the grader could not measure the final model itself, in words."""
    saved_models: tuple[SavedModelCheck, ...] = ()

    def compile_for(self, mid: str) -> CompileRecord | None:
        """The last compile of a model."""
        found = [c for c in self.compiles if c.mid == mid]
        return found[-1] if found else None

    def fits_for(self, mid: str) -> tuple[FitRecord, ...]:
        """Every fit of a model, in order."""
        return tuple(f for f in self.fits if f.mid == mid)

    def measurement(self, role: str = "test") -> Measurement | None:
        """The grader's measurement of the final model on one role's rows."""
        for m in self.measurements:
            if m.role == role:
                return m
        return None

    @property
    def kernel_died(self) -> bool:
        """True when the run ended with a dead kernel or a killed one."""
        return self.status in ("kernel_died", "timeout") and any(c.status == "not_run" for c in self.cells)
