"""Hand-made evidence for unit tests: no kernel, no files."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from grader.models.evidence import (
    EVIDENCE_SCHEMA,
    CompileRecord,
    DataRoles,
    Evidence,
    FitRecord,
    LayerRecord,
    Measurement,
    ModelRecord,
    Rows,
    ValidationRecord,
)
from grader.models.execution import CellRun

_counter = [0]


def rows(n: int, start: int = 0, width: int = 4, labels: list[Any] | None = None, rid: str | None = None) -> Rows:
    """Feature rows whose fingerprints are ``start .. start+n-1`` (equal ids = equal rows)."""
    _counter[0] += 1
    exact = np.arange(start, start + n, dtype=np.uint64)
    return Rows(
        id=rid or f"t{_counter[0]}",
        n=n,
        shape=(n, width),
        dtype="float32",
        kind="features",
        exact=exact,
        shape_fp=exact + np.uint64(10**9),
        labels=None if labels is None else np.asarray(labels),
    )


def label_rows(values: list[Any]) -> Rows:
    """A label vector."""
    _counter[0] += 1
    arr = np.asarray(values)
    uniq, counts = np.unique(arr.astype(str), return_counts=True)
    return Rows(
        id=f"y{_counter[0]}",
        n=len(arr),
        shape=(len(arr),),
        dtype=str(arr.dtype),
        kind="labels",
        exact=np.zeros(len(arr), dtype=np.uint64),
        shape_fp=np.zeros(len(arr), dtype=np.uint64),
        labels=arr,
        classes={str(u): int(c) for u, c in zip(uniq, counts, strict=True)},
    )


def keras_model(mid: str = "m1", layers: list[LayerRecord] | None = None, params: int | None = 515) -> ModelRecord:
    """A Keras model record (default: the lesson's Iris model)."""
    layers = (
        layers
        if layers is not None
        else [
            LayerRecord(type="Flatten", params=0),
            LayerRecord(type="Dense", units=64, activation="relu", params=320),
            LayerRecord(type="Dense", units=3, activation="softmax", params=195),
        ]
    )
    return ModelRecord(
        seq=1, cell=1, mid=mid, framework="keras", cls="Sequential", layers=tuple(layers), param_count=params
    )


def fit(
    mid: str = "m1",
    x: Rows | None = None,
    y: Rows | None = None,
    validation: ValidationRecord | None = None,
    history: dict[str, tuple[float, ...]] | None = None,
    epochs: int = 5,
    batch_size: int | None = 32,
    seq: int = 10,
) -> FitRecord:
    """A training run."""
    return FitRecord(
        seq=seq,
        cell=2,
        mid=mid,
        framework="keras",
        x=x,
        y=y,
        epochs=epochs,
        epochs_run=epochs,
        batch_size=batch_size,
        validation=validation or ValidationRecord(mode="none"),
        history=history if history is not None else {"loss": (1.0, 0.8, 0.5), "val_loss": (1.1, 0.9, 0.7)},
        seconds=1.0,
    )


def measurement(
    accuracy: float = 0.9,
    macro_f1: float = 0.85,
    predicted: int = 3,
    majority: float = 0.4,
    confusion: tuple[tuple[int, ...], ...] = ((5, 0, 0), (0, 4, 1), (0, 1, 4)),
    n: int = 15,
) -> Measurement:
    """The grader's own measurement on the test rows."""
    return Measurement(
        mid="m1",
        role="test",
        n=n,
        accuracy=accuracy,
        macro_f1=macro_f1,
        confusion=confusion,
        labels=tuple(str(i) for i in range(len(confusion))),
        predicted_classes=predicted,
        majority_accuracy=majority,
        source="test",
    )


def evidence(**fields: Any) -> Evidence:
    """An Evidence with a completed run and the given records."""
    base = Evidence(
        schema=EVIDENCE_SCHEMA,
        status="completed",
        reason=None,
        cells=(CellRun(index=0, status="ok"), CellRun(index=1, status="ok")),
    )
    return replace(base, **fields)


def standard(**overrides: Any) -> Evidence:
    """A well-behaved notebook: 3-way split, one Keras model, validation data, test measured."""
    train, val, test = rows(108, 0), rows(27, 1000), rows(15, 2000)
    model = keras_model()
    run = fit(
        x=train,
        y=label_rows([0] * 36 + [1] * 36 + [2] * 36),
        validation=ValidationRecord(mode="data", x=val, y=label_rows([0] * 9 + [1] * 9 + [2] * 9)),
    )
    fields: dict[str, Any] = {
        "models": {"m1": model},
        "compiles": (
            CompileRecord(
                seq=5,
                cell=1,
                mid="m1",
                optimizer="Adam",
                learning_rate=0.001,
                loss="categorical_crossentropy",
                metrics=("accuracy",),
            ),
        ),
        "fits": (run,),
        "roles": DataRoles(
            final_mid="m1",
            train=train,
            validation=val,
            validation_mode="data",
            test=test,
            test_source="evaluate (cell 3)",
            overlaps={"train_test": 0, "train_validation": 0, "validation_test": 0},
            total_rows=150,
        ),
        "measurements": (measurement(),),
    }
    fields.update(overrides)
    return evidence(**fields)
