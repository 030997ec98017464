"""``with_epoch_losses`` reads each model's fits and each cell's losses once (issue 12), and finds
exactly the losses the earlier version found (``legacy_loops``): for many loops, mini-batch
loops, a loop ended by a plain fit, losses in other cells, two loops sharing a cell."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from factories import rows
from factories_mlp import mlp_fit, partial_fit_loop, partial_fit_solution
from legacy_loops import with_epoch_losses as legacy_with_epoch_losses
from synthetic import tuning_notebook

from grader.evidence.loops import loop_losses, with_epoch_losses
from grader.models.evidence import Evidence, FitRecord


def merged(base: Evidence, *loops: dict[str, Any], extra_fits: tuple[FitRecord, ...] = ()) -> Evidence:
    """``base`` with the records of these ``partial_fit_loop``s (and more fits) added, in seq order."""
    models = dict(base.models)
    fits, predictions, calls = list(base.fits) + list(extra_fits), list(base.predictions), list(base.metric_calls)
    for records in loops:
        models.update(records["models"])
        fits += records["fits"]
        predictions += records["predictions"]
        calls += records["metric_calls"]
    return replace(
        base,
        models=models,
        fits=tuple(sorted(fits, key=lambda f: f.seq)),
        predictions=tuple(sorted(predictions, key=lambda p: p.seq)),
        metric_calls=tuple(sorted(calls, key=lambda m: m.seq)),
    )


def _histories(ev: Evidence) -> list[dict[str, tuple[float, ...]]]:
    return [f.history for f in ev.fits]


def _cases() -> list[tuple[str, Evidence]]:
    solution, _ = partial_fit_solution()
    many = tuning_notebook(12, 60, "partial_fit", epochs=7, seed=2)
    batches = replace(
        many,
        fits=tuple(replace(f, x=rows(40, start=1000 * i, width=12)) if i % 3 else f for i, f in enumerate(many.fits)),
    )
    # a loop, then a plain fit of the same model, then a second loop of it
    first, _ = partial_fit_loop("m1", start=100, epochs=4)
    second, _ = partial_fit_loop("m1", start=300, epochs=3)
    plain = mlp_fit("m1", rows(424, 0, width=12), seq=250)
    restarted = merged(solution, first, second, extra_fits=(plain,))
    # two models' loops in one cell, interleaved by sequence numbers
    a, _ = partial_fit_loop("ma", start=500, epochs=4, cell=9)
    b, _ = partial_fit_loop("mb", start=505, epochs=4, cell=9)
    shared = merged(solution, a, b)
    moved = replace(
        many, metric_calls=tuple(replace(m, cell=m.cell + 1) if m.seq % 5 == 0 else m for m in many.metric_calls)
    )
    return [
        ("solution", solution),
        ("many-loops", many),
        ("mini-batches", batches),
        ("restarted", restarted),
        ("shared-cell", shared),
        ("losses-elsewhere", moved),
    ]


CASES = _cases()


@pytest.mark.parametrize("ev", [ev for _, ev in CASES], ids=[name for name, _ in CASES])
def test_the_indexed_loops_find_the_legacy_losses(ev: Evidence) -> None:
    assert _histories(with_epoch_losses(ev)) == _histories(legacy_with_epoch_losses(ev))


def test_the_loops_are_found_at_all() -> None:
    ev = tuning_notebook(3, 20, "partial_fit", epochs=5)
    found = with_epoch_losses(ev)
    assert sum("train_log_loss" in f.history and "val_loss" in f.history for f in found.fits) == 3


def test_loop_losses_alone_is_unchanged() -> None:
    from grader.evidence.loops import _Predictions

    ev = tuning_notebook(2, 10, "partial_fit", epochs=5)
    losses = [m for m in ev.metric_calls if m.func == "log_loss"]
    last = [f for f in ev.fits if f.mid == "m1"][-1]
    assert loop_losses(ev, last, losses, _Predictions(ev.predictions))["val_loss"] == last.history["val_loss"]
