"""Iris as a file, for notebooks that read one instead of calling ``load_iris()``.

Three layouts are in use, each under its own name: seaborn's ``iris.csv`` (sepal_length...,
species "setosa"), Kaggle's ``Iris.csv`` (Id, SepalLengthCm..., Species "Iris-setosa") and
UCI's header-less ``iris.data``; seaborn's cache gets its copy too, so ``sns.load_dataset("iris")``
needs no network.  The rows are scikit-learn's own copy of the real data, so
nothing here is a stand-in.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
from collections.abc import Callable
from pathlib import Path

from ..fileio import write_bytes_atomic
from ..models.results import Message
from .staged import StagedFile

COLUMNS = ("sepal_length", "sepal_width", "petal_length", "petal_width", "species")
KAGGLE_COLUMNS = ("Id", "SepalLengthCm", "SepalWidthCm", "PetalLengthCm", "PetalWidthCm", "Species")
SEABORN_CACHES = ("seaborn-data", ".cache/seaborn", "Library/Caches/seaborn")
"""Where seaborn.load_dataset looks for ``NAME.csv`` before it tries the network: old seaborn,
then platformdirs' cache folder on Linux (XDG_CACHE_HOME is ``home/.cache`` in a run) and macOS."""
NOTE = Message("dataset.iris")


def stage_iris(work: Path, home: Path) -> list[StagedFile]:
    """Write the three layouts into ``work``, and seaborn's into its cache under ``home``."""
    layouts: dict[str, Callable[[], str]] = {"iris.csv": iris_csv, "Iris.csv": kaggle_csv, "iris.data": uci_data}
    staged = []
    for name, build in layouts.items():
        write_bytes_atomic(work / name, build().encode("utf-8"))
        staged.append(StagedFile(dataset="iris", path=work / name, names=(name,), standin=False, note=NOTE))
    for folder in SEABORN_CACHES:
        cache = home / folder / "iris.csv"
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(cache, iris_csv().encode("utf-8"))
    return staged


@functools.cache
def _flowers() -> list[tuple[list[str], str]]:
    """scikit-learn's copy of the data, read from its file (importing scikit-learn costs the
    grader a second or more per notebook); ``load_iris()`` where the file is not found."""
    rows = _bundled_rows()
    if rows is not None:
        return rows
    from sklearn.datasets import load_iris

    iris = load_iris()
    return [
        ([f"{v:g}" for v in features], str(iris.target_names[target]))
        for features, target in zip(iris.data, iris.target, strict=True)
    ]


def _bundled_rows() -> list[tuple[list[str], str]] | None:
    """The rows of ``sklearn/datasets/data/iris.csv`` (first line: count, features, class names;
    then four measurements and a class index per row), or None when it is not as expected."""
    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "datasets" / "data" / "iris.csv"
        try:
            with open(path, encoding="utf-8", newline="") as handle:
                header, *body = list(csv.reader(handle))
            count, features, names = int(header[0]), int(header[1]), header[2:]
            rows = [([f"{float(v):g}" for v in row[:features]], names[int(row[features])]) for row in body]
        except (OSError, ValueError, IndexError):
            continue
        if len(rows) == count == 150 and features == 4:
            return rows
    return None


def iris_csv() -> str:
    """seaborn's layout: a header row and species names."""
    lines = [",".join(COLUMNS)] + [",".join([*values, species]) for values, species in _flowers()]
    return "\n".join(lines) + "\n"


def kaggle_csv() -> str:
    """Kaggle's layout: an Id column, centimetre column names, "Iris-" species names."""
    lines = [",".join(KAGGLE_COLUMNS)]
    lines += [",".join([str(i), *values, f"Iris-{species}"]) for i, (values, species) in enumerate(_flowers(), 1)]
    return "\n".join(lines) + "\n"


def uci_data() -> str:
    """UCI's ``iris.data``: no header, "Iris-" species names."""
    return "\n".join(",".join([*values, f"Iris-{species}"]) for values, species in _flowers()) + "\n"
