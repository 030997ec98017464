"""reference/04_iris_mlp_sklearn.ipynb: 108/27/15 split, MLP(100, logistic) fitted on the training
rows only, and a confusion matrix of the test set drawn with ConfusionMatrixDisplay."""

from __future__ import annotations

import nbformat
import pytest
from conftest import REFERENCE

from . import assert_ran_cleanly, printed

NOTEBOOK = REFERENCE / "04_iris_mlp_sklearn.ipynb"
# Iris is almost linearly separable and the notebook uses the real data (scikit-learn's copy):
# an MLP gets 0.93-1.0; on 15 test flowers 0.85 allows two mistakes.
ACCURACY_FLOOR = 0.85
pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def run(run_store):
    """The notebook, executed once with the probe."""
    return run_store.run(NOTEBOOK, datasets=("iris",))


def test_every_cell_runs(run) -> None:
    assert_ran_cleanly(run)


def test_split_shapes_are_printed_exactly(run) -> None:
    assert "(108, 4) (27, 4) (15, 4)" in printed(run)
    sizes = [tuple(part.rows.n for part in split.outputs if part.input == 0) for split in run.evidence.splits]
    assert sizes == [(135, 15), (108, 27)]


def test_model_is_the_lessons_mlp(run) -> None:
    (model,) = [m for m in run.evidence.models.values() if m.cls == "MLPClassifier"]
    assert tuple(model.params["hidden_layer_sizes"]) == (100,)
    assert model.params["activation"] == "logistic"
    assert model.params["max_iter"] == 800


def test_everything_is_fitted_on_the_training_rows_only(run) -> None:
    evidence = run.evidence
    assert [fit.x.n for fit in evidence.fits] == [108]
    assert [prep.input.n for prep in evidence.prep_fits] == [108]
    assert evidence.roles.leaks == ()
    assert evidence.roles.overlaps == {"train_test": 0, "train_validation": 0, "validation_test": 0}


def test_confusion_matrix_of_the_test_set_is_shown(run) -> None:
    shown = [call for call in run.evidence.metric_calls if call.display]
    assert shown and all(call.y_true.n == 15 for call in shown)
    assert any("confusion" in ax.title.lower() for f in run.evidence.figures for ax in f.axes)


def test_removed_plot_confusion_matrix_is_not_called() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "plot_confusion_matrix" not in code
    assert "ConfusionMatrixDisplay" in code


def test_accuracy_measured_by_the_grader(run) -> None:
    test = run.evidence.measurement("test")
    validation = run.evidence.measurement("validation")
    assert test.n == 15 and test.accuracy >= ACCURACY_FLOOR
    assert validation.n == 27 and validation.accuracy >= ACCURACY_FLOOR
