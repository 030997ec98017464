"""reference/10_rnn.ipynb: the NumPy recurrence matches Keras' SimpleRNN with the same weights;
a small many-to-one LSTM learns to tell rising from falling sequences."""

from __future__ import annotations

import pytest
from conftest import REFERENCE

from . import assert_ran_cleanly, printed, printed_number

NOTEBOOK = REFERENCE / "10_rnn.ipynb"
# Synthetic sequences with a clear drift: the seeded run gets about 0.96 on 120 test sequences;
# the majority class is about 0.52.  0.8 still fails a model that only guesses.
ACCURACY_FLOOR = 0.8
pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def run(run_store):
    """The notebook, executed once with the probe."""
    return run_store.run(NOTEBOOK)


def test_every_cell_runs(run) -> None:
    assert_ran_cleanly(run)


def test_numpy_recurrence_matches_simple_rnn(run) -> None:
    assert printed_number(run, "max |NumPy - Keras SimpleRNN| =") < 1e-5
    assert "match (difference < 1e-5): True" in printed(run)


def test_lstm_is_many_to_one_and_validated(run) -> None:
    (model,) = [m for m in run.evidence.models.values() if m.fitted]
    assert [layer.type for layer in model.layers] == ["LSTM", "Dense"]
    (fit,) = run.evidence.fits
    assert fit.validation.mode == "data"
    assert not run.evidence.roles.test_is_validation


def test_lstm_accuracy_measured_by_the_grader(run) -> None:
    test = run.evidence.measurement("test")
    assert test.n == 120
    assert test.accuracy >= ACCURACY_FLOOR
    assert test.accuracy > test.majority_accuracy
