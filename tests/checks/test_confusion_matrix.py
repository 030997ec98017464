"""``confusion_matrix`` on hand-made evidence."""

from __future__ import annotations

from dataclasses import replace

from factories import label_rows, standard

from grader.checks import run_check
from grader.models.evidence import CellOutput, GridRecord, MetricCallRecord

from .helpers import axes, codes, figure


def _cm_call(matrix, n_true, display=True, cell=5):
    return MetricCallRecord(
        seq=60,
        cell=cell,
        func="confusion_matrix",
        y_true=label_rows(list(range(3)) * (n_true // 3)),
        y_pred=None,
        value=[list(r) for r in matrix],
        display=display,
    )


def test_confusion_matrix_of_the_test_set():
    ev = standard(metric_calls=(_cm_call(((5, 0, 0), (0, 4, 1), (0, 1, 4)), 15),))
    assert run_check("confusion_matrix", ev, {}).passed


def test_confusion_matrix_of_the_training_set_is_named():
    ev = standard(metric_calls=(_cm_call(((36, 0, 0), (0, 30, 6), (0, 6, 30)), 108),))
    result = run_check("confusion_matrix", ev, {})
    assert codes(result) == ["confusion_matrix.on_train"]


def test_confusion_matrix_heatmap_from_any_route():
    grid = GridRecord(shape=(3, 3), values=((5.0, 0.0, 0.0), (0.0, 4.0, 1.0), (0.0, 1.0, 4.0)))
    ev = standard(figures=(figure(axes(images=[grid])),))
    assert run_check("confusion_matrix", ev, {}).passed


def test_confusion_matrix_computed_but_not_shown():
    ev = standard(metric_calls=(_cm_call(((5, 0, 0), (0, 4, 1), (0, 1, 4)), 15, display=False),))
    assert codes(run_check("confusion_matrix", ev, {})) == ["confusion_matrix.not_shown"]
    printed = replace(ev, outputs=(CellOutput(index=5, text="[[5 0 0]\n [0 4 1]\n [0 1 4]]", images=0, source=""),))
    assert run_check("confusion_matrix", printed, {}).passed
