"""Hand-made tabular row sets with real fingerprints and column statistics (no kernel).

The statistics are computed here with plain NumPy, independently of the probe's code, so the
evidence-stage tests do not lean on the implementation they judge.
"""

from __future__ import annotations

from itertools import count
from typing import Any

import numpy as np

from grader.models.evidence import (
    ColumnStats,
    EvaluateRecord,
    PrepFitRecord,
    Rows,
    SplitPart,
    SplitRecord,
    TransformRecord,
)
from grader.probe import fingerprint as fp

_ids = count(1)


def stats_of(matrix: np.ndarray) -> ColumnStats:
    """count, missing, mean, M2, min, max of each column, NaN-aware."""
    m = np.asarray(matrix, dtype=np.float64).reshape(len(matrix), -1)
    finite = np.isfinite(m)
    n = finite.sum(axis=0).astype(float)
    with np.errstate(all="ignore"):
        mean = np.where(finite, m, 0).sum(axis=0) / n
        m2 = (np.where(finite, m - mean, 0) ** 2).sum(axis=0)
        lo = np.where(finite, m, np.inf).min(axis=0)
        hi = np.where(finite, m, -np.inf).max(axis=0)
    return ColumnStats(count=n, missing=np.isnan(m).sum(axis=0).astype(float), mean=mean, m2=m2, min=lo, max=hi)


def table(matrix: Any, columns: tuple[str, ...] | None = None, stats: bool = True) -> Rows:
    """Feature rows of a 2-D array, fingerprinted as the probe does."""
    m = np.asarray(matrix, dtype=np.float64)
    as_matrix = fp.as_matrix(m)
    return Rows(
        id=f"tab{next(_ids)}",
        n=m.shape[0],
        shape=tuple(m.shape),
        dtype=str(m.dtype),
        kind="features",
        exact=fp.exact_fingerprints(as_matrix),
        shape_fp=fp.shape_fingerprints(as_matrix),
        columns=columns,
        stats=stats_of(m) if stats else None,
    )


def split(seq: int, source: Rows, train: Rows, test: Rows, cell: int = 3) -> SplitRecord:
    """A train_test_split of ``source`` into ``train`` and ``test``."""
    return SplitRecord(
        seq=seq,
        cell=cell,
        func="train_test_split",
        inputs=(source,),
        outputs=(SplitPart(0, "train", train), SplitPart(0, "test", test)),
    )


def evaluate(seq: int, x: Rows, mid: str = "m1") -> EvaluateRecord:
    """``model.evaluate(x, y)``."""
    return EvaluateRecord(
        seq=seq, cell=9, mid=mid, framework="keras", method="evaluate", x=x, y=None, array=None, array_y=None, result=[]
    )


def transform(seq: int, raw: Rows, out: Rows, estimator: str = "StandardScaler", mid: str = "s1") -> TransformRecord:
    """Rows in, transformed rows out."""
    return TransformRecord(seq=seq, cell=5, estimator=estimator, mid=mid, input=raw, output=out)


def fill(seq: int, cell: int, before: Rows, after: Rows, owner: str = "DataFrame", n: int = 1) -> PrepFitRecord:
    """``frame.fillna(frame.mean())`` as the probe records it."""
    return PrepFitRecord(
        seq=seq,
        cell=cell,
        estimator=f"{owner}.fillna",
        module="pandas",
        mid=f"fillna{n}",
        input=before,
        method="fillna",
        parts=("mean",),
        output=after,
    )
