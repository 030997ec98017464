"""Per-column summary statistics of a feature array: count, missing, mean, M2, min, max.

Runs inside the student's kernel beside the row fingerprints.  The grader pools these
summaries of the training, validation and test rows into the statistics of all rows
(Chan's parallel formulas), which is enough to recognise data that was standardised or
min-max scaled by hand with statistics of every row before the split - without keeping
the data.  Numeric columns only: a text column has count 0.  Cost is one pass over the
values in row chunks, and nothing at all for arrays wider than ``MAX_STATS_COLUMNS``
(images are judged by other means).
"""

from __future__ import annotations

from typing import Any

import numpy as np

MAX_STATS_COLUMNS = 512
FIELDS = ("count", "missing", "mean", "m2", "min", "max")
"""Rows of the (6, columns) float64 array :func:`column_stats` returns, in this order."""
_CHUNK_ROWS = 8192


def column_stats(data: Any, arr: np.ndarray) -> np.ndarray | None:
    """Statistics of each column of ``arr`` (rows first), or None when there are too many columns.

    ``data`` is the object the notebook passed (a DataFrame tells which columns are numeric);
    ``arr`` is its array form.
    """
    if arr.ndim == 0 or arr.shape[0] == 0:
        return None
    width = int(np.prod(arr.shape[1:])) if arr.ndim > 1 else 1
    if width == 0 or width > MAX_STATS_COLUMNS:
        return None
    if hasattr(data, "dtypes") and hasattr(data, "iloc") and hasattr(data, "columns"):
        return _frame_stats(data)
    matrix = arr.reshape(arr.shape[0], width)
    if matrix.dtype.kind in "biuf":
        return _numeric_stats(matrix)
    out = _empty(width)
    for j in range(width):  # an object array: the columns that hold numbers
        column = _as_float(matrix[:, j])
        if column is not None:
            out[:, j] = _numeric_stats(column.reshape(-1, 1))[:, 0]
    return out


def _frame_stats(frame: Any) -> np.ndarray:
    out = _empty(frame.shape[1])
    for j, dtype in enumerate(frame.dtypes):
        if getattr(dtype, "kind", "O") not in "biuf":
            continue
        try:
            values = frame.iloc[:, j].to_numpy(dtype="float64", na_value=np.nan)
        except (TypeError, ValueError):
            continue
        out[:, j] = _numeric_stats(values.reshape(-1, 1))[:, 0]
    return out


def _as_float(column: np.ndarray) -> np.ndarray | None:
    try:
        return column.astype(np.float64)
    except (TypeError, ValueError):
        return None


def _empty(width: int) -> np.ndarray:
    out = np.full((len(FIELDS), width), np.nan)
    out[0] = 0.0  # count
    out[1] = 0.0  # missing
    return out


def _numeric_stats(matrix: np.ndarray) -> np.ndarray:
    total: np.ndarray | None = None
    for start in range(0, matrix.shape[0], _CHUNK_ROWS):
        part = _chunk_stats(np.asarray(matrix[start : start + _CHUNK_ROWS], dtype=np.float64))
        total = part if total is None else merge(total, part)
    assert total is not None
    return total


def _chunk_stats(m: np.ndarray) -> np.ndarray:
    finite = np.isfinite(m)
    count = finite.sum(axis=0).astype(np.float64)
    missing = np.isnan(m).sum(axis=0).astype(np.float64)
    values = np.where(finite, m, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = values.sum(axis=0) / count
        m2 = (np.where(finite, m - mean, 0.0) ** 2).sum(axis=0)
    lo = np.where(finite, m, np.inf).min(axis=0)
    hi = np.where(finite, m, -np.inf).max(axis=0)
    empty = count == 0
    mean[empty], m2[empty], lo[empty], hi[empty] = np.nan, np.nan, np.nan, np.nan
    return np.stack([count, missing, mean, m2, lo, hi])


def merge(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The statistics of two row sets together (Chan et al.), column by column."""
    na, nb = a[0], b[0]
    n = na + nb
    with np.errstate(invalid="ignore", divide="ignore"):
        delta = b[2] - a[2]
        mean = np.where(nb == 0, a[2], np.where(na == 0, b[2], a[2] + delta * nb / n))
        m2 = np.where(nb == 0, a[3], np.where(na == 0, b[3], a[3] + b[3] + delta**2 * na * nb / n))
    lo = np.fmin(a[4], b[4])
    hi = np.fmax(a[5], b[5])
    return np.stack([n, a[1] + b[1], mean, m2, lo, hi])
