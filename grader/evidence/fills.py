"""Whether a pandas fill (``df.fillna(df.mean())``) reached the rows the final model used.

A fill changes the frame it is applied to, not copies taken from it earlier: after
``X = df.drop(columns='Category')``, ``df.fillna(df.median(), inplace=True)`` leaves ``X`` with
its missing values.  Judged from data, never from names of variables:

* traced - a row the fill changed is an ancestor of a row the model trained, was validated or
  was tested on (the filled frame itself was split, or a transform of it);
* not reached - data recorded after the fill that the model's rows come from (a split's input,
  the input of a later fill or imputer; else the model's own rows) still holds missing values
  in a column the fill filled, matched by column name; or, without names, the filled frame had
  no missing value left while that data has some;
* otherwise the fill is presumed to have reached the model (the filled frame was narrowed to
  the feature columns, which row fingerprints cannot follow).
"""

from __future__ import annotations

import numpy as np

from ..models.evidence import Evidence, PrepFitRecord, Rows
from .lineage import Lineage


def fill_reached_model(evidence: Evidence, lineage: Lineage, fill: PrepFitRecord, model_rows: list[Rows]) -> bool:
    """False only when the data shows that the fill did not touch the final model's rows."""
    if _traced(lineage, fill, model_rows):
        return True
    upstream = _upstream(evidence, lineage, fill.seq, model_rows) or model_rows
    return not any(_still_missing(fill, rows) for rows in upstream)


def _traced(lineage: Lineage, fill: PrepFitRecord, model_rows: list[Rows]) -> bool:
    before, after = fill.input, fill.output
    if before is None or after is None or before.n != after.n:
        return False
    changed = {int(out) for out, raw in zip(after.exact.tolist(), before.exact.tolist(), strict=True) if out != raw}
    if not changed:
        return False
    for rows in model_rows:
        for fp in rows.exact.tolist():
            if changed & lineage.ancestry(fp):
                return True
    return False


def _upstream(evidence: Evidence, lineage: Lineage, after: int, model_rows: list[Rows]) -> list[Rows]:
    """Row sets recorded after the fill that the model's rows came from: inputs of splits and
    of transforms (another fill, an imputer) on the way to the model."""
    candidates = [s.inputs[0] for s in evidence.splits if s.seq > after and not s.predefined and s.inputs]
    candidates += [t.input for t in evidence.transforms if t.seq > after]
    found: list[Rows] = []
    for rows in candidates:
        if rows is None or rows.kind != "features" or rows.stats is None or any(rows is f for f in found):
            continue
        if any(lineage.overlap(model, rows) > 0 for model in model_rows):
            found.append(rows)
    return found


def _filled_columns(fill: PrepFitRecord) -> np.ndarray | None:
    """Per column of the filled frame: whether the fill replaced missing values there."""
    before = fill.input.stats if fill.input is not None else None
    if before is None:
        return None
    filled = before.missing > 0
    after = fill.output.stats if fill.output is not None else None
    if after is not None and after.width == before.width:
        filled &= after.missing < before.missing
    return filled


def _still_missing(fill: PrepFitRecord, source: Rows) -> bool:
    """True when ``source`` holds missing values that the fill would have replaced."""
    filled = _filled_columns(fill)
    if filled is None or source.stats is None or not filled.any():
        return False
    names = fill.input.columns if fill.input is not None else None
    if names and source.columns and len(names) == filled.shape[0]:
        missing = dict(zip(source.columns, source.stats.missing.tolist(), strict=False))
        return any(missing.get(name, 0) > 0 for name, was in zip(names, filled.tolist(), strict=True) if was)
    after = fill.output.stats if fill.output is not None else None
    whole_frame = filled.shape[0] > 1 and after is not None and float(after.missing.sum()) == 0
    return whole_frame and float(source.stats.missing.sum()) > 0
