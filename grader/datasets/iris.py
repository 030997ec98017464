"""Iris as a CSV file, for notebooks that read one instead of calling ``load_iris()``.

The rows are scikit-learn's own copy of the real data, so nothing here is a stand-in.
"""

from __future__ import annotations

from pathlib import Path

from ..fileio import write_bytes_atomic
from .staged import StagedFile

IRIS_NAMES = ("iris.csv", "Iris.csv")
COLUMNS = ("sepal_length", "sepal_width", "petal_length", "petal_width", "species")


def stage_iris(work: Path) -> list[StagedFile]:
    """Write ``iris.csv`` (and ``Iris.csv``) into ``work`` from scikit-learn's data."""
    text = iris_csv().encode("utf-8")
    for name in IRIS_NAMES:
        write_bytes_atomic(work / name, text)
    return [
        StagedFile(
            dataset="iris",
            path=work / IRIS_NAMES[0],
            names=IRIS_NAMES,
            standin=False,
            note="Iris: the real data (scikit-learn's copy, 150 flowers) as iris.csv",
        )
    ]


def iris_csv() -> str:
    """The 150 flowers as CSV text with a header row and species names."""
    from sklearn.datasets import load_iris

    iris = load_iris()
    lines = [",".join(COLUMNS)]
    for features, target in zip(iris.data, iris.target, strict=True):
        values = [f"{v:g}" for v in features]
        lines.append(",".join([*values, str(iris.target_names[target])]))
    return "\n".join(lines) + "\n"
