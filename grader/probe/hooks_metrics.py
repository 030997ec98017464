"""Hooks on scikit-learn's metrics: which labels a metric or confusion matrix was computed on.

Also restores ``plot_confusion_matrix`` (removed in scikit-learn 1.2, still used by the
lesson) as a thin shim over ``ConfusionMatrixDisplay.from_estimator``, with a note.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from .calls import argument, recording
from .session import Session

METRIC_FUNCTIONS = (
    "accuracy_score",
    "balanced_accuracy_score",
    "f1_score",
    "precision_score",
    "recall_score",
    "confusion_matrix",
    "classification_report",
    # a hand-written epoch loop's per-epoch loss (partial_fit, then log_loss on the training
    # and the validation rows): the evidence stage turns these into the run's loss curves
    "log_loss",
)


def patch_metrics(session: Session, module: ModuleType) -> None:
    """Wrap the metric functions and the confusion-matrix display constructors."""
    for name in METRIC_FUNCTIONS:
        if hasattr(module, name):
            session.wrap(module, name, recording(session, _record_metric(session, name)))
    display = getattr(module, "ConfusionMatrixDisplay", None)
    if display is not None:
        session.wrap(display, "from_predictions", recording(session, _record_display(session, False)))
        session.wrap(display, "from_estimator", recording(session, _record_display(session, True)))
    if not hasattr(module, "plot_confusion_matrix") and display is not None:
        module.plot_confusion_matrix = _plot_confusion_matrix_shim(session, display)


def _value(result: Any) -> Any:
    if isinstance(result, np.ndarray):
        return result.tolist() if result.size <= 10_000 else None
    if isinstance(result, int | float | np.floating | np.integer):
        return float(result)
    if isinstance(result, dict):
        return result
    return None


def _record_metric(session: Session, name: str):
    def record(args, kwargs, result, elapsed):
        rec = session.recorder
        y_true = argument(args, kwargs, 0, "y_true")
        y_pred = argument(args, kwargs, 1, "y_pred")
        rec.emit(
            "metric_call",
            func=name,
            y_true=rec.rowset(y_true, role="y"),
            y_pred=rec.rowset(y_pred, role="y"),
            value=_value(result),
            average=kwargs.get("average"),
            normalize=kwargs.get("normalize"),
        )

    return record


def _record_display(session: Session, from_estimator: bool):
    def record(args, kwargs, result, elapsed):
        rec = session.recorder
        matrix = getattr(result, "confusion_matrix", None)
        if from_estimator:
            est = argument(args, kwargs, 1, "estimator")
            data = argument(args, kwargs, 2, "X")
            y_true = argument(args, kwargs, 3, "y")
            rec.emit(
                "metric_call",
                func="confusion_matrix",
                display=True,
                mid=session.model_id(est),
                x=rec.rowset(data, role="x"),
                array=rec.save_array(data),
                y_true=rec.rowset(y_true, role="y"),
                array_y=rec.save_array(y_true),
                y_pred=None,
                value=_value(matrix),
            )
        else:
            y_true = argument(args, kwargs, 1, "y_true")
            y_pred = argument(args, kwargs, 2, "y_pred")
            rec.emit(
                "metric_call",
                func="confusion_matrix",
                display=True,
                y_true=rec.rowset(y_true, role="y"),
                y_pred=rec.rowset(y_pred, role="y"),
                value=_value(matrix),
            )

    return record


def _plot_confusion_matrix_shim(session: Session, display: Any):
    """scikit-learn < 1.2's ``plot_confusion_matrix(estimator, X, y_true, ...)``."""
    keep = {
        "labels",
        "sample_weight",
        "normalize",
        "display_labels",
        "include_values",
        "xticks_rotation",
        "values_format",
        "cmap",
        "ax",
        "colorbar",
    }

    def plot_confusion_matrix(estimator, X, y_true, **kwargs):
        session.recorder.note("shim_plot_confusion_matrix")
        options = {k: v for k, v in kwargs.items() if k in keep}
        return display.from_estimator(estimator, X, y_true, **options)

    plot_confusion_matrix.__grader_shim__ = True
    return plot_confusion_matrix
