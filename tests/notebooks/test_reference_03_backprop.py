"""reference/03_backprop.ipynb: backpropagation from scratch solves XOR; three loss curves."""

from __future__ import annotations

import re

import pytest
from conftest import REFERENCE

from . import assert_ran_cleanly, printed, printed_number

NOTEBOOK = REFERENCE / "03_backprop.ipynb"
METHODS = ("Batch gradient descent", "SGD (batch size 1)", "Mini-batch SGD (batch size 2)")
pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def run(run_store):
    """The notebook, executed once with the probe."""
    return run_store.run(NOTEBOOK)


def test_every_cell_runs(run) -> None:
    assert_ran_cleanly(run)


def test_gradients_match_finite_differences(run) -> None:
    assert printed_number(run, "max |backprop - finite difference| =") < 1e-6


def test_batch_gradient_descent_solves_xor(run) -> None:
    text = printed(run)
    block = text[text.index("Batch gradient descent:") : text.index("SGD (batch size 1):")]
    assert "predictions = [0 1 1 0]" in block
    assert "XOR solved: True" in block


def test_final_losses_are_small(run) -> None:
    losses = dict(re.findall(r"^(.+?): final J\(W\) = ([0-9.]+)", printed(run), re.MULTILINE))
    assert set(losses) == set(METHODS)
    # XOR solved means outputs within ~0.1 of the targets: J(W) well below 0.01
    assert all(float(value) < 0.01 for value in losses.values())


def test_one_figure_has_the_three_labelled_loss_curves(run) -> None:
    axes = [
        ax for figure in run.evidence.figures for ax in figure.axes if {line.label for line in ax.lines} >= set(METHODS)
    ]
    assert len(axes) == 1
    ax = axes[0]
    assert set(ax.legend) == set(METHODS)
    assert ax.title and ax.xlabel and ax.ylabel
    batch = next(line for line in ax.lines if line.label == METHODS[0])
    assert batch.y[-1] < batch.y[0]
