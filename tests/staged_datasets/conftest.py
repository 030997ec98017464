"""Fixtures of the dataset tests: a notebook's folders and the stand-ins, staged once per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.datasets import StagedFile, stage_datasets


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    """A notebook's working directory and its private home."""
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    return work, home


@pytest.fixture(scope="module")
def synthetic_hcv(tmp_path_factory: pytest.TempPathFactory) -> StagedFile:
    """The HCV stand-in, staged once for the module."""
    root = tmp_path_factory.mktemp("hcv")
    (staged,) = stage_datasets(["hcv"], root / "work", root / "home")
    return staged


@pytest.fixture(scope="module")
def standin_npz(tmp_path_factory: pytest.TempPathFactory) -> StagedFile:
    """The MNIST stand-in, staged once for the module."""
    root = tmp_path_factory.mktemp("mnist")
    (staged,) = stage_datasets(["mnist"], root / "work", root / "home")
    return staged
