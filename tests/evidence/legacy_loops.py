"""Legacy copy of ``grader/evidence/loops.py`` at 9f9e599, kept verbatim apart from its imports, so
``test_loops_indexed`` can assert the indexed version finds the same losses."""

from __future__ import annotations

import bisect
from dataclasses import replace

import numpy as np

from grader.models.evidence import Evidence, FitRecord, MetricCallRecord, PredictRecord, Rows

TRAIN_KEY = "train_log_loss"
"""History key of the loss a loop computed on its own training rows."""
VAL_KEY = "val_loss"
"""History key of the loss a loop computed on held-out rows (its validation curve)."""
MOSTLY = 0.5


def with_epoch_losses(evidence: Evidence) -> Evidence:
    """``evidence`` with the per-epoch losses of every ``partial_fit`` loop added to the history
    of the loop's last call (unchanged when there is no such loop)."""
    last: dict[str, int] = {}
    for index, fit in enumerate(evidence.fits):
        if fit.method == "partial_fit":
            last[fit.mid] = index
    losses = [m for m in evidence.metric_calls if m.func == "log_loss" and isinstance(m.value, int | float)]
    if not last or not losses:
        return evidence
    finder = _Predictions(evidence.predictions)
    fits = list(evidence.fits)
    for index in last.values():
        history = loop_losses(evidence, fits[index], losses, finder)
        if history:
            fits[index] = replace(fits[index], history={**fits[index].history, **history})
    return replace(evidence, fits=tuple(fits))


class _Predictions:
    """The predictions in call order, to find the one a loss scores."""

    def __init__(self, predictions: tuple[PredictRecord, ...]) -> None:
        self.calls = sorted(predictions, key=lambda p: p.seq)
        self.seqs = [p.seq for p in self.calls]

    def scored_by(self, call: MetricCallRecord) -> PredictRecord | None:
        """The prediction ``log_loss(y, model.predict_proba(X))`` scores: the last one before the
        loss in the same cell, on as many rows as the loss has labels."""
        position = bisect.bisect_left(self.seqs, call.seq) - 1
        if position < 0 or call.y_true is None:
            return None
        found = self.calls[position]
        if found.cell != call.cell or found.x is None or found.x.n != call.y_true.n:
            return None
        return found


def _same(a: Rows, b: Rows) -> bool:
    # a loop scores the very same (already scaled) arrays every epoch: exact fingerprints
    return a.n == b.n and bool(np.array_equal(a.exact, b.exact))


def loop_losses(
    evidence: Evidence, last: FitRecord, losses: list[MetricCallRecord], finder: _Predictions
) -> dict[str, tuple[float, ...]]:
    """The per-epoch training and held-out losses of the loop that ends with ``last``."""
    run = [f for f in evidence.fits if f.mid == last.mid and f.method == "partial_fit"]
    start = run[0].seq
    # a later plain fit of the same model starts another run: its losses are not the loop's
    end = min(
        (f.seq for f in evidence.fits if f.mid == last.mid and f.method != "partial_fit" and f.seq > start),
        default=None,
    )
    cells = {f.cell for f in run}
    # every row the loop trained on (a mini-batch loop gives partial_fit a different batch each call)
    trained = {fp for f in run if f.x is not None for fp in f.x.exact.tolist()}
    train: list[float] = []
    held_out: list[tuple[Rows, list[float]]] = []
    for call in losses:
        if call.seq <= start or (end is not None and call.seq > end) or call.cell not in cells:
            continue
        scored = finder.scored_by(call)
        if scored is None or scored.mid != last.mid or scored.x is None:
            continue
        value = float(call.value)
        if sum(fp in trained for fp in scored.x.exact.tolist()) >= MOSTLY * scored.x.n:
            train.append(value)
            continue
        group = next((g for g in held_out if _same(scored.x, g[0])), None)
        if group is None:
            held_out.append((scored.x, [value]))
        else:
            group[1].append(value)
    history: dict[str, tuple[float, ...]] = {}
    if len(train) >= 2:
        history[TRAIN_KEY] = tuple(train)
    # the held-out rows scored every epoch are the validation curve (a one-off loss on the test
    # rows after the loop is not)
    longest = max(held_out, key=lambda g: len(g[1]), default=None)
    if longest is not None and len(longest[1]) >= 2:
        history[VAL_KEY] = tuple(longest[1])
    return history
