"""``training``: fit was called with the rubric's epochs/batch/validation data; loss went down.

For a scikit-learn MLP the same questions have its own meaning: ``epochs`` is ``max_iter``
(``n_iter_`` epochs run; a ``partial_fit`` loop runs one epoch per call), validation is
``early_stopping=True`` (its ``validation_fraction`` of the training rows) or the model judged on
validation rows, and the loss is its ``loss_curve_``."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field

from ..models.evidence import Evidence, FitRecord
from ..models.results import CheckResult, Message
from . import causes
from .absence import absent
from .final_model import final_fit
from .registry import Params, register

MESSAGES: tuple[str, ...] = (
    "training.ok",
    "training.no_fit",
    "training.epochs",
    "training.min_epochs",
    "training.batch_size",
    "training.no_validation",
    "training.no_history",
    "training.loss_not_decreasing",
    "absent.no_training",
    *causes.MESSAGES,
    "training.max_iter",
    "training.no_validation_sklearn",
    "training.no_history_sklearn",
)
"""Catalogue codes this check emits."""


class TrainingParams(Params):
    """Parameters of ``training``."""

    epochs: int | None = None
    min_epochs: int | None = None
    batch_size: int | None = None
    validation: Literal["required", "optional"] = "optional"
    loss_decreased: bool = True
    min_drop: float = Field(default=0.0, ge=0.0, lt=1.0)
    """The lowest later loss must be at least this share below the first (0.1 = 10 % lower)."""


def _loss_series(fit: FitRecord) -> tuple[float, ...]:
    return tuple(v for v in fit.history.get("loss", ()) if not math.isnan(v))


@register("training", TrainingParams)
def check_training(evidence: Evidence, params: TrainingParams) -> CheckResult:
    """fit was called with the expected epochs/batch/validation data, and the loss went down."""
    fit = final_fit(evidence)
    if fit is None:
        why = causes.absence_causes(evidence, calls=("fit", "partial_fit"), source=causes.FIT_SOURCE)
        verdict = (
            CheckResult.not_judged(Message("absent.no_training"), *why)
            if why
            else CheckResult.fail(Message("training.no_fit"))
        )  # fit was written but raised, or the run never got there
        return absent(evidence, "fit", verdict)
    loss = _loss_series(fit)
    facts: dict[str, Any] = {
        "epochs": fit.epochs,
        "epochs_run": fit.epochs_run,
        "batch_size": fit.batch_size,
        "validation": fit.validation.mode,
        "first_loss": loss[0] if loss else None,
        "last_loss": loss[-1] if loss else None,
    }
    if causes.learned_nothing(fit):  # NaN weights: whatever the settings, nothing was learned
        return CheckResult.fail(*causes.nan_loss_messages(evidence, fit), nan_loss=True, **facts)
    sklearn = fit.framework == "sklearn"
    if sklearn:
        facts.update({k: fit.hyperparams.get(k) for k in ("max_iter", "early_stopping", "validation_fraction")})
    problems = []
    if params.epochs is not None and fit.epochs != params.epochs:
        code = "training.max_iter" if sklearn else "training.epochs"
        problems.append(Message(code, {"found": fit.epochs, "expected": params.epochs}))
    if params.min_epochs is not None and (fit.epochs_run or fit.epochs or 0) < params.min_epochs:
        problems.append(
            Message("training.min_epochs", {"found": fit.epochs_run or fit.epochs, "expected": params.min_epochs})
        )
    if params.batch_size is not None and fit.batch_size != params.batch_size:
        problems.append(Message("training.batch_size", {"found": fit.batch_size, "expected": params.batch_size}))
    # validation given to fit, or (a hand-written epoch loop) the model judged on validation rows,
    # or a partial_fit loop's validation loss per epoch (``grader.evidence.loops``)
    validated = (
        fit.validation.mode != "none"
        or evidence.roles.validation_mode == "evaluated"
        or (sklearn and "val_loss" in fit.history)
    )
    if params.validation == "required" and not validated:
        problems.append(Message("training.no_validation_sklearn" if sklearn else "training.no_validation"))
    if params.loss_decreased:
        if len(loss) < 2 and sklearn:
            problems.append(Message("training.no_history_sklearn", {"solver": fit.hyperparams.get("solver") or "?"}))
        elif len(loss) < 2:
            problems.append(Message("training.no_history"))
        elif not min(loss[1:]) < loss[0] * (1.0 - params.min_drop):
            problems.append(Message("training.loss_not_decreasing", {"first": loss[0], "last": loss[-1]}))
    if problems:
        return CheckResult.fail(*problems, fraction=0.5 if len(problems) == 1 else 0.0, **facts)
    return CheckResult.ok(
        Message(
            "training.ok",
            {"epochs": fit.epochs_run or fit.epochs, "first": loss[0] if loss else 0, "last": loss[-1] if loss else 0},
        ),
        **facts,
    )
