"""reference/01_perceptron.ipynb: AND and OR are learned exactly, XOR is not (and why)."""

from __future__ import annotations

import nbformat
import pytest
from conftest import REFERENCE

from . import assert_ran_cleanly, printed

NOTEBOOK = REFERENCE / "01_perceptron.ipynb"
pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def run(run_store):
    """The notebook, executed once with the probe."""
    return run_store.run(NOTEBOOK)


def test_every_cell_runs(run) -> None:
    assert_ran_cleanly(run)


@pytest.mark.parametrize(("gate", "learned"), [("AND", True), ("OR", True), ("XOR", False)])
def test_gate_is_learned_exactly_or_not(run, gate: str, learned: bool) -> None:
    text = printed(run)
    assert f"{gate} learned exactly: {learned}" in text


def test_truth_tables_are_printed(run) -> None:
    text = printed(run)
    # AND's table: only (1, 1) has target 1 and the prediction matches
    assert "  1  1 |   1        1" in text
    assert "XOR fails" in text


def test_markdown_explains_why_xor_fails() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    prose = " ".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "linearly separable" in prose
    assert "Ringkasan" in prose
