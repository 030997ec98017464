"""reference/02_activations.ipynb: tanh(x) = 2σ(2x) − 1 numerically; four labelled plots."""

from __future__ import annotations

import pytest
from conftest import REFERENCE

from . import assert_ran_cleanly, printed, printed_number

NOTEBOOK = REFERENCE / "02_activations.ipynb"
pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def run(run_store):
    """The notebook, executed once with the probe."""
    return run_store.run(NOTEBOOK)


def test_every_cell_runs(run) -> None:
    assert_ran_cleanly(run)


def test_tanh_identity_holds_numerically(run) -> None:
    difference = printed_number(run, "max |tanh(x) - (2*sigmoid(2x) - 1)| =")
    assert difference < 1e-12
    assert "identity holds (difference < 1e-12): True" in printed(run)


def test_the_four_functions_are_plotted_with_titles_and_labels(run) -> None:
    axes = [ax for figure in run.evidence.figures for ax in figure.axes if ax.lines]
    titles = " ".join(ax.title for ax in axes)
    for name in ("Sigmoid", "Gaussian", "tanh", "ReLU"):
        assert name in titles
    assert all(ax.xlabel and ax.ylabel for ax in axes)
    # sigmoid(0) = 0.5: the first curve really is the sigmoid
    sigmoid = next(ax for ax in axes if "Sigmoid" in ax.title).lines[0]
    points = [(x, y) for x, y in zip(sigmoid.x, sigmoid.y, strict=True) if x is not None]
    x0, y0 = min(points, key=lambda point: abs(point[0]))
    assert abs(x0) < 0.1
    assert y0 == pytest.approx(0.5, abs=0.03)
