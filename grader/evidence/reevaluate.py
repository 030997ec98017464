"""The grader's own measurement: the exported final model, re-run on the captured test rows.

What the notebook printed is only a claim; this is the number that is graded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..models.cells import code_cell_label
from ..models.evidence import (
    DataRoles,
    EvaluateRecord,
    Evidence,
    Measurement,
    MetricCallRecord,
    PredictRecord,
    Rows,
)
from ..reeval.client import Reevaluator
from ..reeval.protocol import ModelFileError, PredictionError, ReevaluationFailed
from .lineage import Lineage

GRADER_FAILED = "the grader could not re-evaluate the model"
"""How a problem of the grader's own re-evaluation process starts (not the student's file)."""


@dataclass(frozen=True)
class TestData:
    """Inputs and true labels of the rows a model was judged on."""

    x: np.ndarray
    y: np.ndarray
    source: str
    x_file: str
    """The ``.npy`` file the inputs were read from (the re-evaluation worker reads it too)."""


def array_file(evidence_dir: str, name: str) -> str:
    """Where the probe saved the array ``name``."""
    return os.path.join(evidence_dir, "arrays", f"{name}.npy")


def load_array(evidence_dir: str, name: str | None) -> np.ndarray | None:
    """An array the probe saved (None when it was not saved)."""
    if not name:
        return None
    try:
        return np.load(array_file(evidence_dir, name), allow_pickle=False)
    except (OSError, ValueError):
        return None


def as_labels(values: np.ndarray | None) -> np.ndarray | None:
    """Class labels from a label vector or a one-hot matrix."""
    if values is None:
        return None
    arr = np.asarray(values)
    if arr.ndim == 2 and arr.shape[1] > 1:
        return np.argmax(arr, axis=1)
    return arr.reshape(-1)


def find_test_data(
    evidence: Evidence, evidence_dir: str, rows: Rows, mid: str, lineage: Lineage | None = None
) -> TestData | None:
    """The saved inputs for ``rows`` and the true labels that go with them (``lineage``: the
    evidence's, when the caller has it: tracing 70,000 MNIST rows again costs half a second)."""
    lineage = lineage if lineage is not None else Lineage(evidence)
    x = None
    x_file = ""
    calls: list[EvaluateRecord | PredictRecord | MetricCallRecord] = [
        *evidence.evaluations,
        *evidence.predictions,
        *evidence.metric_calls,
    ]
    for item in calls:
        item_x = getattr(item, "x", None)
        if item_x is None or not (item_x.id == rows.id or lineage.same_rows(item_x, rows)):
            continue
        name = getattr(item, "array", None)
        arr = load_array(evidence_dir, name)
        if arr is None or arr.shape[0] != rows.n:
            continue
        x, x_file = arr, array_file(evidence_dir, str(name))
        y = as_labels(load_array(evidence_dir, getattr(item, "array_y", None)))
        if y is not None and len(y) == rows.n:
            return TestData(
                x=x,
                y=y,
                source=(
                    f"labels given to {getattr(item, 'method', item.__class__.__name__)} "
                    f"in {code_cell_label(evidence.cells, item.cell)}"
                ),
                x_file=x_file,
            )
    if x is None:
        return None
    found = _labels_from_metric_calls(evidence, rows, lineage) or _labels_from_splits(evidence, rows, lineage)
    if found is None:
        return None
    return TestData(x=x, y=found[0], source=found[1], x_file=x_file)


def _labels_from_metric_calls(evidence: Evidence, rows: Rows, lineage: Lineage) -> tuple[np.ndarray, str] | None:
    for p in evidence.predictions:
        if p.x is None or p.output is None or p.output.labels is None or not lineage.same_rows(p.x, rows):
            continue
        for m in evidence.metric_calls:
            if m.seq < p.seq or m.y_pred is None or m.y_true is None or m.y_true.labels is None:
                continue
            if m.y_pred.labels is not None and _same_labels(m.y_pred.labels, p.output.labels):
                return m.y_true.labels, f"y_true given to {m.func} in {code_cell_label(evidence.cells, m.cell)}"
    return None


def _labels_from_splits(evidence: Evidence, rows: Rows, lineage: Lineage) -> tuple[np.ndarray, str] | None:
    for split in evidence.splits:
        for part in split.outputs:
            if part.rows is None or part.rows.kind != "features" or not lineage.aligned(rows, part.rows):
                continue
            for other in split.outputs:
                if (
                    other.part == part.part
                    and other.input != part.input
                    and other.rows is not None
                    and other.rows.labels is not None
                    and other.rows.n == rows.n
                ):
                    return other.rows.labels, (
                        f"labels split off with these rows ({split.func}, "
                        f"{code_cell_label(evidence.cells, split.cell)})"
                    )
    return None


def _same_labels(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.all(a.astype(str) == b.astype(str)))


def _comparable(y: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    if y.dtype.kind in "iuf" and pred.dtype.kind in "iuf":
        return y.astype(np.int64), pred.astype(np.int64)
    ys, ps = y.astype(str), pred.astype(str)
    if set(np.unique(ps)) <= set(np.unique(ys)) or set(np.unique(ys)) <= set(np.unique(ps)):
        return ys, ps
    return None


def confusion_matrix(y: np.ndarray, p: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Counts of (true, predicted) label pairs, rows and columns in the order of the sorted
    ``labels`` (scikit-learn's ``confusion_matrix`` without importing scikit-learn, which costs
    the grader a second or more per notebook)."""
    size = len(labels)
    matrix = np.zeros((size, size), dtype=np.int64)
    np.add.at(matrix, (np.searchsorted(labels, y), np.searchsorted(labels, p)), 1)
    return matrix


def macro_f1(y: np.ndarray, p: np.ndarray) -> float:
    """The mean over the true classes of 2·TP / (2·TP + FP + FN), 0 for a class never predicted
    nor present (scikit-learn's ``f1_score(average="macro", labels=unique(y), zero_division=0)``)."""
    scores = []
    for label in np.unique(y):
        truth, said = y == label, p == label
        tp = int(np.sum(truth & said))
        wrong = int(np.sum(said & ~truth)) + int(np.sum(truth & ~said))
        scores.append(0.0 if 2 * tp + wrong == 0 else 2 * tp / (2 * tp + wrong))
    return float(np.mean(scores)) if scores else 0.0


def measure(predicted: np.ndarray, data: TestData, mid: str, role: str) -> Measurement | None:
    """Accuracy, macro-F1 and confusion matrix of the labels ``predicted`` for ``data``."""
    pred = np.asarray(predicted)
    pair = _comparable(np.asarray(data.y), pred.reshape(-1))
    if pair is None:
        return None
    y, p = pair
    labels = np.unique(np.concatenate([y, p]))
    matrix = confusion_matrix(y, p, labels)
    _, counts = np.unique(y, return_counts=True)
    return Measurement(
        mid=mid,
        role=role,
        n=len(y),
        accuracy=float(np.mean(y == p)),
        macro_f1=macro_f1(y, p),
        confusion=tuple(tuple(int(v) for v in row) for row in matrix),
        labels=tuple(str(v) for v in labels.tolist()),
        predicted_classes=len(np.unique(p)),
        majority_accuracy=float(counts.max() / len(y)),
        source=data.source,
    )


def exported_file(evidence: Evidence, evidence_dir: str, mid: str) -> str | None:
    """Where the probe exported a model, if it could."""
    for export in evidence.exports:
        if export.mid == mid and export.file:
            return os.path.join(evidence_dir, "models", os.path.basename(export.file))
    return None


def reevaluate(
    evidence: Evidence, evidence_dir: str, roles: DataRoles, models: Reevaluator, lineage: Lineage | None = None
) -> tuple[tuple[Measurement, ...], str | None]:
    """Measure the final model on the test (and validation) rows; (measurements, problem).

    The model is loaded and run by ``models``, a worker process of the grading environment."""
    mid = roles.final_mid
    if mid is None or roles.test is None:
        return (), None
    path = exported_file(evidence, evidence_dir, mid)
    if path is None:
        return (), "the final model could not be exported from the notebook"
    try:
        models.load(path)
    except ModelFileError as exc:
        return (), str(exc)
    except ReevaluationFailed as exc:
        return (), f"{GRADER_FAILED}: {exc}"
    found: list[Measurement] = []
    problem: str | None = None
    lineage = lineage if lineage is not None else Lineage(evidence)
    for role, rows in (("test", roles.test), ("validation", roles.validation)):
        if rows is None or (role == "validation" and roles.test_is_validation):
            continue
        data = find_test_data(evidence, evidence_dir, rows, mid, lineage)
        if data is None:
            if role == "test":
                problem = "the grader could not recover the test inputs together with their true labels"
            continue
        try:
            m = measure(models.predict(path, data.x_file), data, mid, role)
        except ReevaluationFailed as exc:
            return tuple(found), f"{GRADER_FAILED}: {exc}"
        except (PredictionError, ModelFileError) as exc:  # the student's model cannot run on its own test rows
            return tuple(found), f"the final model failed on the {role} rows: {exc}"
        except Exception as exc:  # the labels it predicted cannot be compared
            return tuple(found), f"the final model failed on the {role} rows: {type(exc).__name__}"
        if m is not None:
            found.append(m)
        elif role == "test":
            problem = "the model's predictions and the test labels are not comparable classes"
    return tuple(found), problem
