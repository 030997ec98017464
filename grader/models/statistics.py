"""Column statistics of the rows the probe saw, and what they reveal about hand-written scaling.

Part of the evidence model; ``grader.models.evidence`` re-exports every name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Statistic = Literal["standardised", "min_max", "max"]


@dataclass(frozen=True, eq=False)
class ColumnStats:
    """Summary of each column of a feature array, as the probe measured it (float64 arrays,
    one value per column).  A column that holds no numbers (text) has ``count`` 0 and NaN
    elsewhere.  Several row sets pool into the statistics of their union without the data."""

    count: np.ndarray
    """Finite values per column."""
    missing: np.ndarray
    """NaN values per column."""
    mean: np.ndarray
    m2: np.ndarray
    """Sum of squared deviations from the column mean."""
    min: np.ndarray
    max: np.ndarray

    @property
    def width(self) -> int:
        """Number of columns."""
        return int(self.count.shape[0])

    @property
    def rows(self) -> int:
        """Rows behind the statistics (the most values any column holds, missing included)."""
        return int(np.max(self.count + self.missing)) if self.width else 0


@dataclass(frozen=True)
class AllRowsStatistic:
    """Feature columns the final model saw that were scaled with a statistic of all rows - the
    validation and test rows included - before the data was split."""

    statistic: Statistic
    """``standardised``: mean 0 and standard deviation 1 over all rows; ``min_max``: minimum 0
    and maximum 1 over all rows; ``max``: maximum (or largest absolute value) 1 over all rows."""
    columns: int
    """Columns that show it over all rows but not over the training rows."""
    checked: int
    """Numeric columns examined (constant and 0/1 columns are not)."""
    rows: int
    """All rows the statistic was computed on."""
    held_out: int
    """How many of them are test rows (validation rows when no test row was among them)."""
    role: Literal["test", "validation"] = "test"
    cell: int | None = None
    """Cell of the split whose input already held the scaled values, when one did."""
