"""reference/09_convolution.ipynb: the lesson's feature map (every row [0, 30, 30, 0]), max and
average pooling by hand, and Keras' Conv2D with the same weights agreeing."""

from __future__ import annotations

import re

import pytest
from conftest import REFERENCE

from . import assert_ran_cleanly, printed

NOTEBOOK = REFERENCE / "09_convolution.ipynb"
pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def run(run_store):
    """The notebook, executed once with the probe."""
    return run_store.run(NOTEBOOK)


def test_every_cell_runs(run) -> None:
    assert_ran_cleanly(run)


def test_published_feature_map_is_reproduced(run) -> None:
    assert "rows: [[0, 30, 30, 0], [0, 30, 30, 0], [0, 30, 30, 0], [0, 30, 30, 0]]" in printed(run)


def test_other_conventions_are_shown(run) -> None:
    text = printed(run)
    for convention, rows in (
        ("30s image, cross-correlation", "[0, 90, 90, 0]"),
        ("30s image, filter divided by 3", "[0, 30, 30, 0]"),
        ("10s image, flipped (convolution)", "[0, -30, -30, 0]"),
    ):
        assert re.search(re.escape(convention) + r"\s+rows " + re.escape(rows), text)


def test_pooling(run) -> None:
    text = printed(run)
    assert "2x2 max pooling:\n[[6 5]\n [3 8]]" in text
    assert "2x2 average pooling:\n[[3.5  2.  ]\n [1.5  3.75]]" in text
    assert "edge feature map, max pooled: [[30, 30], [30, 30]]" in text


def test_keras_agrees(run) -> None:
    text = printed(run)
    assert "Keras Conv2D matches NumPy: True" in text
    assert "Keras pooling matches NumPy: True" in text
