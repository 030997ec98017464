"""A results folder for the export tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .builders import class_results, write_results


@pytest.fixture
def results_dir(tmp_path: Path) -> Path:
    """A results folder with the three class results."""
    return write_results(tmp_path / "out", class_results())
