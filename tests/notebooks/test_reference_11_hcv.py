"""reference/11_hcv.ipynb: the UCI HCV data (7 suspect donors dropped, 608 rows), a stratified
70/15/15 split, imputer and scaler fitted on the training rows only, four configurations
compared on the validation set, the loss plot, and one final evaluation on the test set."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import REFERENCE

from grader.evidence.lineage import Lineage

from . import assert_ran_cleanly, printed, printed_number

NOTEBOOK = REFERENCE / "11_hcv.ipynb"
ROWS_KEPT = 608  # 615 minus the 7 "0s=suspect Blood Donor" rows
# The seeded run on the real file gets test accuracy 0.946 and macro-F1 0.747 (always
# answering "blood donor": 0.880 and 0.234).  Every one of the four configurations scores
# 0.70-0.84 on the test set, so 0.6 leaves room for other machines while still failing a
# network that ignores the three disease classes.
MACRO_F1_FLOOR = 0.6
pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def run(run_store, hcv_csv):
    """The notebook, executed once with the probe and the real hcvdat0.csv staged."""
    return run_store.run(NOTEBOOK, datasets=("hcv",))


def _printed_sizes(run) -> dict[str, int]:
    found = re.search(r"Sizes: train=(\d+), validation=(\d+), test=(\d+)", printed(run))
    assert found, "the notebook did not print the three set sizes"
    return dict(zip(("train", "validation", "test"), map(int, found.groups()), strict=True))


def _config(run, mid: str) -> tuple[int | None, float | None]:
    """(units of the first hidden layer, learning rate) of one model."""
    dense = [layer for layer in run.evidence.models[mid].layers if layer.type == "Dense"]
    return dense[0].units, run.evidence.compile_for(mid).learning_rate


def test_every_cell_runs(run) -> None:
    assert_ran_cleanly(run)


def test_suspect_donors_are_dropped(run) -> None:
    assert "Rows kept: 608" in printed(run)
    assert run.evidence.roles.total_rows == ROWS_KEPT


def test_three_disjoint_stratified_sets_of_the_printed_sizes(run) -> None:
    roles = run.evidence.roles
    sizes = _printed_sizes(run)
    assert sizes == {"train": 424, "validation": 92, "test": 92}
    assert (roles.train.n, roles.validation.n, roles.test.n) == tuple(sizes.values())
    assert sum(sizes.values()) == ROWS_KEPT
    assert roles.overlaps == {"train_test": 0, "train_validation": 0, "validation_test": 0}
    assert len(run.evidence.splits) == 2
    assert all(split.stratify and split.random_state == 42 for split in run.evidence.splits)


def test_preprocessing_learns_from_training_rows_only(run) -> None:
    evidence = run.evidence
    assert evidence.roles.leaks == ()
    fitted = {
        fit.estimator: fit.input.n for fit in evidence.prep_fits if fit.estimator in ("SimpleImputer", "StandardScaler")
    }
    assert fitted == {"SimpleImputer": 424, "StandardScaler": 424}


def test_validation_data_is_not_the_test_set(run) -> None:
    roles = run.evidence.roles
    assert roles.validation_mode == "data"
    assert not roles.test_is_validation


def test_compiled_ann_with_softmax_output(run) -> None:
    mid = run.evidence.roles.final_mid
    layers = run.evidence.models[mid].layers
    assert [layer.type for layer in layers] == ["Dense", "Dropout", "Dense", "Dense"]
    assert [layer.activation for layer in layers if layer.type == "Dense"] == ["relu", "relu", "softmax"]
    assert layers[-1].units == 4
    compiled = run.evidence.compile_for(mid)
    assert compiled.optimizer.lower() == "adam"
    assert compiled.loss == "sparse_categorical_crossentropy"
    assert compiled.metrics == ("accuracy",)


def test_four_configurations_compared_on_the_validation_set(run) -> None:
    evidence = run.evidence
    lineage = Lineage(evidence)
    validated = [
        fit
        for fit in evidence.fits
        if fit.validation.mode == "data" and lineage.same_rows(fit.validation.x, evidence.roles.validation)
    ]
    assert len(validated) == len(evidence.fits) == 4
    configs = {_config(run, fit.mid) for fit in validated}
    assert configs == {(16, 0.003), (16, 0.01), (64, 0.003), (64, 0.01)}
    assert all("EarlyStopping" in fit.callbacks for fit in validated)


def test_chosen_model_is_the_printed_choice_and_saw_no_test_rows_before(run) -> None:
    evidence = run.evidence
    chosen = re.search(r"Chosen by validation macro-F1: \{'units': (\d+), 'learning_rate': ([0-9.]+)\}", printed(run))
    assert chosen, "the notebook did not print its chosen configuration"
    assert _config(run, evidence.roles.final_mid) == (int(chosen.group(1)), float(chosen.group(2)))
    # the test rows are first touched after the last training run: the choice never saw them
    lineage = Lineage(evidence)
    last_fit = max(fit.seq for fit in evidence.fits)
    on_test = [
        call.seq
        for call in (*evidence.evaluations, *evidence.predictions)
        if call.x is not None and lineage.same_rows(call.x, evidence.roles.test)
    ]
    assert on_test and min(on_test) > last_fit


def test_training_and_validation_loss_are_plotted(run) -> None:
    evidence = run.evidence
    axes = [
        ax
        for figure in evidence.figures
        for ax in figure.axes
        if {line.label for line in ax.lines} == {"training loss", "validation loss"}
    ]
    assert len(axes) == 1
    ax = axes[0]
    assert set(ax.legend) == {"training loss", "validation loss"}
    assert ax.title and ax.xlabel == "epoch" and "cross-entropy" in ax.ylabel
    (final_fit,) = evidence.fits_for(evidence.roles.final_mid)
    lines = {line.label: line.y for line in ax.lines}
    assert np.allclose(lines["training loss"], final_fit.history["loss"])
    assert np.allclose(lines["validation loss"], final_fit.history["val_loss"])


def test_confusion_matrix_of_the_test_predictions(run) -> None:
    evidence = run.evidence
    shown = [call for call in evidence.metric_calls if call.func == "confusion_matrix" and call.display]
    assert len(shown) == 1
    assert shown[0].y_true.n == evidence.roles.test.n
    matrix = np.asarray(shown[0].value)
    assert matrix.shape == (4, 4)
    assert matrix.tolist() == [list(row) for row in evidence.measurement("test").confusion]


def test_grader_measures_the_model_above_the_trivial_baseline(run) -> None:
    test = run.evidence.measurement("test")
    assert test is not None, run.evidence.reevaluation_problem
    assert test.n == 92
    assert test.majority_accuracy == pytest.approx(81 / 92)
    assert test.accuracy > test.majority_accuracy
    assert test.macro_f1 >= MACRO_F1_FLOOR
    # what the notebook printed agrees with the grader's own re-evaluation
    assert printed_number(run, "Test accuracy:") == pytest.approx(test.accuracy, abs=1e-3)
    assert printed_number(run, "Test macro-F1:") == pytest.approx(test.macro_f1, abs=1e-3)
    assert "'always blood donor'): accuracy 0.880" in printed(run)
