"""Hand-written epoch loops: ``partial_fit`` once per epoch, then ``log_loss`` on the training
rows and on held-out rows.

scikit-learn's ``MLPClassifier`` keeps no validation loss, so a student who wants the lesson's
"training vs validation loss" plot trains one epoch per ``partial_fit`` call and computes the
losses by hand.  The probe records each call and each ``log_loss``; here the per-epoch values
become the loop's history (``train_log_loss`` and ``val_loss``, next to ``loss`` = the model's
own ``loss_curve_``), so the checks read a hand-written loop like Keras' ``history.history``.
A loss is tied to the model whose prediction it scores (the prediction just before it, on as
many rows as it has labels), never to a variable name.
"""

from __future__ import annotations

import bisect
from dataclasses import replace

import numpy as np

from ..models.evidence import Evidence, FitRecord, MetricCallRecord, PredictRecord, Rows

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
    # each model's runs and each cell's losses, gathered once: a notebook with many loops
    # would otherwise read every fit and every loss once per loop
    by_model: dict[str, list[FitRecord]] = {}
    for fit in evidence.fits:
        by_model.setdefault(fit.mid, []).append(fit)
    by_cell: dict[int, list[MetricCallRecord]] = {}
    for call in losses:
        by_cell.setdefault(call.cell, []).append(call)
    order = {id(call): at for at, call in enumerate(losses)}  # the order loop_losses reads them in
    for index in last.values():
        model_fits = by_model[fits[index].mid]
        cells = {f.cell for f in model_fits if f.method == "partial_fit"}
        in_cells = sorted((c for cell in cells for c in by_cell.get(cell, ())), key=lambda c: order[id(c)])
        history = _loop_losses(model_fits, fits[index], in_cells, finder)
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
    return a is b or (a.n == b.n and bool(np.array_equal(a.exact, b.exact)))


def loop_losses(
    evidence: Evidence, last: FitRecord, losses: list[MetricCallRecord], finder: _Predictions
) -> dict[str, tuple[float, ...]]:
    """The per-epoch training and held-out losses of the loop that ends with ``last``."""
    return _loop_losses([f for f in evidence.fits if f.mid == last.mid], last, losses, finder)


def _loop_losses(
    model_fits: list[FitRecord], last: FitRecord, losses: list[MetricCallRecord], finder: _Predictions
) -> dict[str, tuple[float, ...]]:
    """``loop_losses`` given the fits of ``last``'s model, in order."""
    run = [f for f in model_fits if f.method == "partial_fit"]
    start = run[0].seq
    # a later plain fit of the same model starts another run: its losses are not the loop's
    end = min((f.seq for f in model_fits if f.method != "partial_fit" and f.seq > start), default=None)
    cells = {f.cell for f in run}
    # every row the loop trained on (a mini-batch loop gives partial_fit a different batch each call)
    batches = {id(f.x): f.x for f in run if f.x is not None}  # each array once, however many epochs
    trained = {fp for x in batches.values() for fp in x.exact.tolist()}
    on_trained: dict[int, bool] = {}  # per scored row set: mostly rows the loop trained on
    train: list[float] = []
    held_out: list[tuple[Rows, list[float]]] = []
    for call in losses:
        if call.seq <= start or (end is not None and call.seq > end) or call.cell not in cells:
            continue
        scored = finder.scored_by(call)
        if scored is None or scored.mid != last.mid or scored.x is None:
            continue
        value = float(call.value)
        x = scored.x
        if id(x) not in on_trained:
            on_trained[id(x)] = sum(fp in trained for fp in x.exact.tolist()) >= MOSTLY * x.n
        if on_trained[id(x)]:
            train.append(value)
            continue
        group = next((g for g in held_out if _same(x, g[0])), None)
        if group is None:
            held_out.append((x, [value]))
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
