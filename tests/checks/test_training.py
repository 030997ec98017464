"""``training`` on hand-made evidence."""

from __future__ import annotations

from factories import fit, rows, standard

from grader.checks import run_check

from .helpers import codes


def test_training_epochs_batch_and_validation():
    ev = standard()
    assert run_check("training", ev, {"epochs": 5, "batch_size": 32, "validation": "required"}).passed
    result = run_check("training", ev, {"epochs": 64, "batch_size": 5})
    assert codes(result) == ["training.epochs", "training.batch_size"]


def test_training_loss_must_go_down():
    flat = fit(x=rows(10), history={"loss": (0.5, 0.6, 0.7)})
    ev = standard(fits=(flat,))
    assert codes(run_check("training", ev, {})) == ["training.loss_not_decreasing"]


def test_training_min_drop():
    flat = fit(x=rows(10), history={"loss": (0.6838, 0.681, 0.6779)})
    ev = standard(fits=(flat,))
    assert run_check("training", ev, {}).passed
    assert not run_check("training", ev, {"min_drop": 0.1}).passed
