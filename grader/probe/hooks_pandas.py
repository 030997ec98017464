"""Hooks on pandas: missing values filled with statistics of the whole column.

``df.fillna(df.mean())`` before the split is the most common leak in student notebooks and
involves no scikit-learn object at all.  A fill whose value equals the mean or median of the
very frame being filled is recorded like an imputer's fit, on that frame's rows.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

from .session import Session


def patch_pandas(session: Session, pandas: ModuleType) -> None:
    """Wrap ``DataFrame.fillna`` and ``Series.fillna``."""
    for owner in (pandas.DataFrame, pandas.Series):
        session.wrap(owner, "fillna", _fill_factory(session))


def _fill_factory(session: Session):
    def factory(original):
        def fillna(self, value=None, *args, **kwargs):
            statistic = None
            if session.depth == 0:
                try:
                    statistic = statistic_of(self, kwargs.get("value", value))
                except Exception as exc:  # never let the probe break a fill
                    session.hook_error("fillna", exc)
            if statistic is None:
                return original(self, value, *args, **kwargs)
            rows = session.recorder.rowset(self, role="x")  # before an inplace fill changes it
            session.enter()  # pandas fills a frame column by column: one fill, one record
            try:
                result = original(self, value, *args, **kwargs)
            finally:
                session.leave()
            try:
                _record_fill(session, type(self).__name__, rows, self if result is None else result, statistic)
            except Exception as exc:
                session.hook_error("fillna", exc)
            return result

        return fillna

    return factory


def _record_fill(session: Session, owner: str, rows: Any, filled: Any, statistic: str) -> None:
    """The fill as a preprocessing fit on the frame's rows, and as a transform from those rows to
    the filled ones, so the grader can follow the filled rows to the model (or see they never
    got there: a copy taken before the fill still holds the missing values)."""
    recorder = session.recorder
    output = recorder.rowset(filled, role="x")
    session.fills += 1
    mid = f"fillna{session.fills}"
    estimator = f"{owner}.fillna"
    recorder.emit(
        "prep_fit",
        estimator=estimator,
        module="pandas",
        mid=mid,
        input=rows,
        output=output,
        method="fillna",
        parts=[statistic],
    )
    recorder.emit("transform", estimator=estimator, mid=mid, input=rows, output=output)


def _close(a: Any, b: Any) -> bool:
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return math.isfinite(a) and math.isfinite(b) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _series_statistic(series: Any, value: Any) -> str | None:
    if series.dtype.kind not in "biuf" or not series.isna().any():
        return None
    present = series.dropna()
    if present.empty:
        return None
    for name in ("mean", "median"):
        if _close(value, getattr(present, name)()):
            return name
    mode = present.mode()
    if len(mode) and _close(value, mode.iloc[0]) and len(present.unique()) > 2:
        return "mode"
    return None


def statistic_of(frame: Any, value: Any) -> str | None:
    """ "mean"/"median"/"mode" when ``value`` is that statistic of ``frame``'s own columns."""
    if value is None:
        return None
    if hasattr(frame, "columns"):  # a DataFrame, filled per column from a Series or dict
        if not hasattr(value, "items"):
            return None
        found = [_series_statistic(frame[c], v) for c, v in value.items() if c in frame.columns]
        found = [f for f in found if f]
        return max(set(found), key=found.count) if found else None
    return _series_statistic(frame, value)
