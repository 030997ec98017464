"""The pieces ``synthetic.tuning_notebook`` builds its evidence from: the record builder, curves,
predictions, figures, models and printed lines, and the HCV shape they share."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.models.evidence import (
    AxesRecord,
    CellOutput,
    FigureRecord,
    FitRecord,
    GridRecord,
    LayerRecord,
    LineRecord,
    MetricCallRecord,
    ModelRecord,
    PredictRecord,
    Rows,
    ValidationRecord,
)
from grader.models.execution import CellRun

CLASS_COUNTS = (533, 7, 24, 21, 30)
"""The HCV categories: blood donor, suspect donor, hepatitis, fibrosis, cirrhosis (615 rows)."""
WIDTH = 12
"""Feature columns of the HCV data."""


@dataclass
class _Builder:
    """Sequence numbers, cells, row ids and the records collected so far."""

    rng: np.random.Generator
    seq: int = 0
    rid: int = 0
    cells: list[CellRun] = field(default_factory=list)
    outputs: list[CellOutput] = field(default_factory=list)
    records: dict[str, list[Any]] = field(default_factory=dict)

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def cell(self, source: str, text: str = "") -> int:
        """A code cell that ran cleanly (every other notebook position is a markdown cell)."""
        index = 2 * len(self.cells) + 1
        self.cells.append(CellRun(index=index, status="ok", seconds=0.1))
        self.outputs.append(CellOutput(index=index, text=text, images=0, source=source))
        return index

    def add(self, kind: str, record: Any) -> Any:
        self.records.setdefault(kind, []).append(record)
        return record

    def rows(self, fingerprints: np.ndarray, width: int = WIDTH, labels: np.ndarray | None = None) -> Rows:
        """A row set whose exact fingerprints are ``fingerprints`` (equal values = equal rows)."""
        self.rid += 1
        exact = fingerprints.astype(np.uint64)
        classes = None
        if labels is not None:
            values, counts = np.unique(labels.astype(str), return_counts=True)
            classes = {str(v): int(c) for v, c in zip(values, counts, strict=True)}
        return Rows(
            id=f"r{self.rid}",
            n=len(exact),
            shape=(len(exact), width) if labels is None else (len(exact),),
            dtype="float64" if labels is None else "int64",
            kind="features" if labels is None else "labels",
            exact=exact,
            shape_fp=exact + np.uint64(10**12),
            labels=labels,
            classes=classes,
        )


def _curve(rng: np.random.Generator, start: float, end: float, epochs: int) -> tuple[float, ...]:
    """A decreasing (or, with start < end, increasing) noisy curve with ``epochs`` points."""
    t = np.linspace(0.0, 1.0, epochs)
    base = end + (start - end) * np.exp(-4.0 * t)
    return tuple(float(v) for v in np.round(base + rng.normal(0.0, 0.005, epochs), 6))


def _predicted(rng: np.random.Generator, truth: np.ndarray, error: float) -> np.ndarray:
    """``truth`` with a share ``error`` of the rows answered as another (random) class."""
    guess = truth.copy()
    wrong = rng.random(len(truth)) < error
    guess[wrong] = (truth[wrong] + rng.integers(1, len(CLASS_COUNTS), int(wrong.sum()))) % len(CLASS_COUNTS)
    return guess


def _accuracy(truth: np.ndarray, guess: np.ndarray) -> float:
    return float(np.mean(truth == guess))


def _axes(lines: list[LineRecord], ylabel: str, title: str) -> AxesRecord:
    return AxesRecord(
        title=title,
        xlabel="epoch",
        ylabel=ylabel,
        legend=tuple(line.label for line in lines),
        lines=tuple(lines),
        images=(),
        meshes=(),
        texts=(),
    )


def _line(label: str, ys: tuple[float, ...]) -> LineRecord:
    return LineRecord(label=label, x=tuple(float(i) for i in range(len(ys))), y=ys)


def _print_lines(rng: np.random.Generator, count: int, true_values: list[tuple[str, float]]) -> list[str]:
    """``count`` printed metric lines: most state a value the notebook computed (rounded or as a
    percentage, the way students print), every 20th a forged one nothing computed."""
    lines = []
    for i in range(count):
        what, value = true_values[i % len(true_values)]
        if i % 20 == 19:
            lines.append(f"{what} accuracy: {0.9 + 0.0973 * rng.random():.4f}")  # forged: matches nothing
        elif i % 3 == 0:
            lines.append(f"{what} accuracy: {value:.4f}")
        elif i % 3 == 1:
            lines.append(f"Akurasi {what}: {100 * value:.2f}%")
        else:
            lines.append(f"{what} accuracy = {round(value, 2)}")
    return lines


def _confusion(truth: np.ndarray, guess: np.ndarray) -> list[list[int]]:
    classes = range(len(CLASS_COUNTS))
    return [[int(np.sum((truth == t) & (guess == p))) for p in classes] for t in classes]


def _heatmap(seq: int, cell: int, matrix: list[list[int]]) -> FigureRecord:
    """``ConfusionMatrixDisplay(matrix).plot()``: one image of the counts."""
    grid = GridRecord(shape=(len(matrix), len(matrix)), values=tuple(tuple(float(v) for v in row) for row in matrix))
    ax = AxesRecord(
        title="",
        xlabel="Predicted label",
        ylabel="True label",
        legend=(),
        lines=(),
        images=(grid,),
        meshes=(),
        texts=(),
    )
    return FigureRecord(seq=seq, cell=cell, reason="show", suptitle="", legend=(), axes=(ax,))


def _model(b: _Builder, mid: str, cell: int, sklearn: bool, units: int, activation: str, lr: float) -> ModelRecord:
    if sklearn:
        sizes = (WIDTH, units, len(CLASS_COUNTS))
        return ModelRecord(
            seq=b.next_seq(),
            cell=cell,
            mid=mid,
            framework="sklearn",
            cls="MLPClassifier",
            final_class="MLPClassifier",
            params={
                "hidden_layer_sizes": [units],
                "activation": activation,
                "solver": "adam",
                "learning_rate_init": lr,
                "early_stopping": True,
                "random_state": 42,
            },
            layer_sizes=sizes,
            param_count=sum(a * c + c for a, c in itertools.pairwise(sizes)),
            out_activation="softmax",
            classes=tuple(str(c) for c in range(len(CLASS_COUNTS))),
        )
    layers = (
        LayerRecord(type="Dense", units=units, activation=activation, params=(WIDTH + 1) * units),
        LayerRecord(type="Dense", units=len(CLASS_COUNTS), activation="softmax", params=(units + 1) * 5),
    )
    return ModelRecord(
        seq=b.next_seq(),
        cell=cell,
        mid=mid,
        framework="keras",
        cls="Sequential",
        layers=layers,
        param_count=sum(layer.params or 0 for layer in layers),
        input_shape=(None, WIDTH),
    )


def _predict(b: _Builder, mid: str, cell: int, x: Rows, out: Rows, framework: str) -> PredictRecord:
    return PredictRecord(
        seq=b.next_seq(), cell=cell, mid=mid, framework=framework, method="predict", x=x, array="X", output=out
    )


def _partial_fit_loop(
    b: _Builder,
    mid: str,
    cell: int,
    x: Rows,
    y: Rows,
    x_val: Rows,
    y_val: Rows,
    history: dict[str, tuple[float, ...]],
    units: int,
    activation: str,
    lr: float,
) -> FitRecord:
    """``for epoch: mlp.partial_fit(X, y); log_loss(y, predict_proba(X)); log_loss(y_val, ...)``:
    one fit record per epoch; returns the last."""
    fit = None
    train_loss, val_loss = history["loss"], history["val_loss"]
    for epoch in range(len(train_loss)):
        fit = b.add(
            "fits",
            FitRecord(
                seq=b.next_seq(),
                cell=cell,
                mid=mid,
                framework="sklearn",
                x=x,
                y=y,
                epochs=None,
                epochs_run=epoch + 1,
                batch_size="auto",
                validation=ValidationRecord(mode="none"),
                history={"loss": tuple(0.98 * v for v in train_loss[: epoch + 1])},
                seconds=0.01,
                hyperparams={"solver": "adam", "learning_rate_init": lr, "activation": activation, "units": units},
                method="partial_fit",
            ),
        )
        for rows, labels, loss in ((x, y, train_loss[epoch]), (x_val, y_val, val_loss[epoch])):
            b.add(
                "predictions",
                PredictRecord(
                    seq=b.next_seq(),
                    cell=cell,
                    mid=mid,
                    framework="sklearn",
                    method="predict_proba",
                    x=rows,
                    array="X",
                    output=None,
                ),
            )
            b.add(
                "metric_calls",
                MetricCallRecord(
                    seq=b.next_seq(), cell=cell, func="log_loss", y_true=labels, y_pred=None, value=loss, mid=mid
                ),
            )
    assert fit is not None
    # the loop's own losses, as grader.evidence.loops adds them to the last run of the loop
    last = FitRecord(**{**fit.__dict__, "history": {**fit.history, "train_log_loss": train_loss, "val_loss": val_loss}})
    b.records["fits"][-1] = last
    return last
