"""Hand-written scaling with statistics of all rows, recognised from the column statistics.

``X = (X - X.mean()) / X.std()`` or ``(X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))``
before ``train_test_split`` calls no scikit-learn object, so no fit is recorded; but the numbers
tell.  Data standardised with statistics of all rows has column means 0 and standard deviations
1 over all rows, while its training rows alone do not; data standardised with statistics of
the training rows shows it the other way round.  Likewise minimum 0 and maximum 1 (min-max
scaling), and maximum or largest absolute value 1 (division by the maximum).

"All rows" is either the input of a split whose parts the final model used unchanged (then the
split's cell is known), or the final model's training, validation and test rows pooled.  A
column that is constant or holds only two values (0/1, one-hot, -1/1) tells nothing and is
not examined; the statistics of a column are compared with float tolerance, with either
``ddof`` of the standard deviation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np

from ..models.evidence import AllRowsStatistic, ColumnStats, Evidence, Rows
from ..models.statistics import Statistic
from .lineage import Lineage

TOLERANCE = 1e-5
"""Absolute tolerance on means, standard deviations, minima and maxima (float32 data included)."""
WITHIN = 0.9
"""Share of the training rows that must be rows of a split's input, unchanged, to judge by it."""


def pooled(parts: Iterable[ColumnStats | None]) -> ColumnStats | None:
    """Statistics of several row sets together (Chan et al.), or None when one is unknown or
    their columns do not match."""
    items = list(parts)
    if not items or any(p is None for p in items):
        return None
    first = items[0]
    assert first is not None
    count, missing, mean, m2 = first.count.copy(), first.missing.copy(), first.mean.copy(), first.m2.copy()
    lo, hi = first.min.copy(), first.max.copy()
    for part in items[1:]:
        assert part is not None
        if part.width != first.width:
            return None
        n = count + part.count
        with np.errstate(invalid="ignore", divide="ignore"):
            delta = part.mean - mean
            new_mean = np.where(part.count == 0, mean, np.where(count == 0, part.mean, mean + delta * part.count / n))
            m2 = np.where(
                part.count == 0,
                m2,
                np.where(count == 0, part.m2, m2 + part.m2 + delta**2 * count * part.count / n),
            )
        mean, count, missing = new_mean, n, missing + part.missing
        lo, hi = np.fmin(lo, part.min), np.fmax(hi, part.max)
    return ColumnStats(count=count, missing=missing, mean=mean, m2=m2, min=lo, max=hi)


def examined(stats: ColumnStats) -> np.ndarray:
    """Columns that can tell: numeric, not constant, not two-valued."""
    with np.errstate(invalid="ignore"):
        span = stats.max - stats.min
        variance = stats.m2 / stats.count
        # values in [min, max] have variance <= (max - mean)(mean - min), equal only when every
        # value is min or max: a 0/1, one-hot or -1/1 column
        two_valued = np.abs(variance - (stats.max - stats.mean) * (stats.mean - stats.min)) <= 1e-9 * span**2
        return (stats.count >= 3) & (span > TOLERANCE) & ~two_valued


def _near(values: np.ndarray, target: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.abs(values - target) <= TOLERANCE


def standardised(stats: ColumnStats) -> np.ndarray:
    """Per column: mean 0 and standard deviation 1 (ddof 0 or 1)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        sd0 = np.sqrt(stats.m2 / stats.count)
        sd1 = np.sqrt(stats.m2 / (stats.count - 1))
    return _near(stats.mean, 0.0) & (_near(sd0, 1.0) | _near(sd1, 1.0))


def min_max(stats: ColumnStats) -> np.ndarray:
    """Per column: minimum 0 and maximum 1."""
    return _near(stats.min, 0.0) & _near(stats.max, 1.0)


def _largest(stats: ColumnStats) -> np.ndarray:
    return np.fmax(np.abs(stats.min), np.abs(stats.max))


def scaled_on_all_rows(everything: ColumnStats, train: ColumnStats) -> tuple[Statistic, int, int] | None:
    """(statistic, columns, examined columns) when ``everything`` shows scaling by its own
    statistics that the training rows alone do not show; else None."""
    if everything.width != train.width:
        return None
    columns = examined(everything)
    checked = int(columns.sum())
    if checked == 0:
        return None
    # an exact mean 0 / sd 1 never happens by chance: one column is enough
    flagged = columns & standardised(everything) & ~standardised(train)
    if flagged.any():
        return "standardised", int(flagged.sum()), checked
    # 0 and 1 do occur in raw data: every examined column must agree before any counts
    if min_max(everything)[columns].all():
        flagged = columns & ~min_max(train)
        return ("min_max", int(flagged.sum()), checked) if flagged.any() else None
    for value in (everything.max, _largest(everything)):
        if _near(value, 1.0)[columns].all():
            train_value = train.max if value is everything.max else _largest(train)
            with np.errstate(invalid="ignore"):
                flagged = columns & (train_value < 1.0 - TOLERANCE)
            if flagged.any():
                return "max", int(flagged.sum()), checked
            return None
    return None


def find_scaling_on_all_rows(
    evidence: Evidence, lineage: Lineage, fit_rows: Rows | None, validation: Rows | None, test: Rows | None
) -> tuple[AllRowsStatistic, ...]:
    """Hand-written scaling of the final model's features with statistics of all rows.

    ``fit_rows`` are the rows given to the final fit (with what Keras' ``validation_split``
    carves off them); ``validation`` is separate validation data, if any.  Rows that came out
    of a recorded transform were scaled by a recorded fit, which the leak report already judges.
    """
    if fit_rows is None or fit_rows.stats is None or test is None or _transformed(lineage, fit_rows):
        return ()
    train = fit_rows.stats
    fit_ids = set(fit_rows.exact.tolist())
    for split in sorted(evidence.splits, key=lambda s: s.seq):
        source = split.inputs[0] if split.inputs and not split.predefined else None
        if source is None or source.kind != "features" or source.stats is None or _transformed(lineage, source):
            continue
        source_ids = set(source.exact.tolist())
        if len(fit_ids & source_ids) < WITHIN * len(fit_ids):
            continue  # the model's rows were transformed after this split: judge them pooled
        found = scaled_on_all_rows(source.stats, train)
        if found is None:
            continue
        held, role = _held_out(source_ids, test, validation)
        if held:
            return (AllRowsStatistic(*found, rows=source.n, held_out=held, role=role, cell=split.cell),)
    parts = [fit_rows, test] if validation is None else [fit_rows, validation, test]
    everything = pooled(p.stats for p in parts)
    found = scaled_on_all_rows(everything, train) if everything is not None else None
    if found is None:
        return ()
    return (AllRowsStatistic(*found, rows=sum(p.n for p in parts), held_out=test.n, role="test"),)


def _transformed(lineage: Lineage, rows: Rows) -> bool:
    """True when most rows are the output of a transform the probe recorded."""
    made = sum(1 for fp in rows.exact.tolist() if lineage.parents.get(fp))
    return made > rows.n / 2


def _held_out(source_ids: set[int], test: Rows, validation: Rows | None) -> tuple[int, Literal["test", "validation"]]:
    """How many test (else validation) rows were among the rows the statistic came from."""
    in_test = sum(1 for fp in test.exact.tolist() if fp in source_ids)
    if in_test:
        return in_test, "test"
    in_validation = 0 if validation is None else sum(1 for fp in validation.exact.tolist() if fp in source_ids)
    return in_validation, "validation"
