"""grader.datasets: Fashion-MNIST (real, system copy, stand-in) and Iris's three layouts."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grader.datasets import fashion as fashion_module
from grader.datasets import stage_datasets
from grader.datasets.fashion import FILES as FASHION_FILES
from grader.datasets.idx import idx_bytes, read_idx
from grader.errors import DatasetError
from grader.i18n import render

# -- Fashion-MNIST ------------------------------------------------------------------------------


def write_fashion(folder: Path, n_train: int = 4, n_test: int = 2) -> None:
    """Four tiny but valid Fashion-MNIST files."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, labels, images in (
        (n_train, FASHION_FILES[0], FASHION_FILES[1]),
        (n_test, FASHION_FILES[2], FASHION_FILES[3]),
    ):
        (folder / labels).write_bytes(idx_bytes(np.arange(n, dtype=np.uint8) % 10))
        (folder / images).write_bytes(idx_bytes(np.full((n, 28, 28), 7, np.uint8)))


@pytest.mark.parametrize("subfolder", ["", "fashion-mnist"])
def test_real_fashion_from_the_data_directory(dirs: tuple[Path, Path], tmp_path: Path, subfolder: str) -> None:
    data_dir = tmp_path / "data"
    write_fashion(data_dir / subfolder)
    staged = stage_datasets(["fashion_mnist"], *dirs, data_dir)
    assert [s.names[0] for s in staged] == list(FASHION_FILES)
    assert not any(s.standin for s in staged)
    cache = dirs[1] / ".keras" / "datasets" / "fashion-mnist"
    assert read_idx(cache / FASHION_FILES[1]).shape == (4, 28, 28)


def test_fashion_system_copy_is_real(dirs: tuple[Path, Path]) -> None:
    if not all((fashion_module.SYSTEM_COPY / name).is_file() for name in FASHION_FILES):
        pytest.skip("Debian's fashion-mnist package is not installed")
    staged = stage_datasets(["fashion_mnist"], *dirs)
    assert not any(s.standin for s in staged)
    assert read_idx(staged[0].path).shape == (60000,)


def test_fashion_standin_without_any_real_copy(
    dirs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fashion_module, "SYSTEM_COPY", tmp_path / "absent")
    monkeypatch.setattr(fashion_module, "STANDIN_SIZES", {"train": 200, "test": 50})
    staged = stage_datasets(["fashion_mnist"], *dirs)
    assert all(s.standin for s in staged) and "stand-in" in render(staged[0].note)
    by_name = {s.names[0]: read_idx(s.path) for s in staged}
    assert by_name[FASHION_FILES[1]].shape == (200, 28, 28)
    assert by_name[FASHION_FILES[3]].shape == (50, 28, 28)
    assert set(by_name[FASHION_FILES[0]]) == set(range(10))
    again = fashion_module.standin_fashion_files()
    assert again == fashion_module.standin_fashion_files()


def test_partial_fashion_files_are_refused(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    write_fashion(tmp_path / "data")
    (tmp_path / "data" / FASHION_FILES[3]).unlink()
    with pytest.raises(DatasetError, match=re.escape("but not t10k-images-idx3-ubyte.gz")):
        stage_datasets(["fashion_mnist"], *dirs, tmp_path / "data")


def test_fashion_file_that_is_not_idx_is_refused(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    write_fashion(tmp_path / "data")
    (tmp_path / "data" / FASHION_FILES[0]).write_bytes(idx_bytes(np.zeros((2, 2), np.uint8))[:5])
    with pytest.raises(DatasetError, match=re.escape("train-labels-idx1-ubyte.gz")):
        stage_datasets(["fashion_mnist"], *dirs, tmp_path / "data")


def test_fashion_counts_must_match(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    write_fashion(tmp_path / "data")
    (tmp_path / "data" / FASHION_FILES[0]).write_bytes(idx_bytes(np.zeros(3, np.uint8)))
    reason = re.escape("4 images but train-labels-idx1-ubyte.gz has 3")
    with pytest.raises(DatasetError, match=reason):
        stage_datasets(["fashion_mnist"], *dirs, tmp_path / "data")


# -- Iris ---------------------------------------------------------------------------------------


def test_iris_comes_in_the_three_layouts_notebooks_read(dirs: tuple[Path, Path]) -> None:
    work, home = dirs
    staged = stage_datasets(["iris"], work, home)
    assert not any(f.standin for f in staged)
    assert {n for f in staged for n in f.names} == {"iris.csv", "Iris.csv", "iris.data"}
    kaggle = pd.read_csv(work / "Iris.csv")  # Kaggle's: Id, ...Cm, Species "Iris-setosa"
    assert list(kaggle.columns) == ["Id", "SepalLengthCm", "SepalWidthCm", "PetalLengthCm", "PetalWidthCm", "Species"]
    assert kaggle["Id"].tolist() == list(range(1, 151))
    assert kaggle["Species"].value_counts().to_dict() == {
        "Iris-setosa": 50,
        "Iris-versicolor": 50,
        "Iris-virginica": 50,
    }
    uci = pd.read_csv(work / "iris.data", header=None)  # UCI's: no header
    for cache in ("seaborn-data", ".cache/seaborn"):  # sns.load_dataset("iris"), old and new seaborn
        assert (home / cache / "iris.csv").read_text() == (work / "iris.csv").read_text()
    assert uci.shape == (150, 5) and uci.iloc[0].tolist() == [5.1, 3.5, 1.4, 0.2, "Iris-setosa"]
    frame = pd.read_csv(work / "iris.csv")  # seaborn's
    assert list(frame.columns) == ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
    assert frame.shape == (150, 5)
    assert frame["species"].value_counts().to_dict() == {"setosa": 50, "versicolor": 50, "virginica": 50}
    assert frame.iloc[0, :4].tolist() == [5.1, 3.5, 1.4, 0.2]
