"""A fitted model saved the safe way, shared by the worker's and the memo's tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression


@pytest.fixture(scope="module")
def iris_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, np.ndarray]:
    """A skops file of a fitted model, an inputs file, and the labels the live model predicts."""
    sio = pytest.importorskip("skops.io")
    folder = tmp_path_factory.mktemp("model")
    x, y = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=500).fit(x, np.asarray(["setosa", "versicolor", "virginica"])[y])
    sio.dump(model, folder / "model.skops")
    np.save(folder / "x.npy", x[::7])
    return folder / "model.skops", folder / "x.npy", model.predict(x[::7])
