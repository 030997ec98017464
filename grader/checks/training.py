"""``compile``, ``training`` and ``tuning``: how the model was compiled, trained and tuned."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field

from ..models.evidence import Evidence, FitRecord
from ..models.results import CheckResult, Message
from .common import canonical_loss, canonical_metric, final_fit, final_model, one_of, snake
from .registry import Params, register
from .rows import assessed_rows, same_rows


class CompileParams(Params):
    """Parameters of ``compile``."""

    optimizer: str | list[str] | None = None
    loss: str | list[str] | None = None
    metrics: list[str] | None = None
    """Metrics that must be among the compiled ones (``acc`` counts as ``accuracy``)."""
    learning_rate: float | None = None


@register("compile", CompileParams)
def check_compile(evidence: Evidence, params: CompileParams) -> CheckResult:
    """The final Keras model was compiled with the expected optimizer, loss and metrics."""
    model = final_model(evidence)
    if model is None:
        return CheckResult.fail(Message("compile.no_model"))
    if model.framework != "keras":
        return CheckResult.fail(Message("compile.not_keras", {"found": model.final_class or model.cls}))
    record = evidence.compile_for(model.mid)
    if record is None:
        return CheckResult.fail(Message("compile.not_compiled"))
    facts: dict[str, Any] = {
        "optimizer": record.optimizer,
        "learning_rate": record.learning_rate,
        "loss": record.loss,
        "metrics": list(record.metrics),
    }
    problems = []
    optimizers = [snake(str(o)) for o in one_of(params.optimizer)]
    if optimizers and snake(record.optimizer) not in optimizers:
        problems.append(Message("compile.optimizer", {"found": record.optimizer, "expected": one_of(params.optimizer)}))
    losses = [canonical_loss(str(v)) for v in one_of(params.loss)]
    if losses and canonical_loss(record.loss) not in losses:
        problems.append(Message("compile.loss", {"found": record.loss, "expected": one_of(params.loss)}))
    have = {canonical_metric(m) for m in record.metrics}
    missing = [m for m in params.metrics or [] if canonical_metric(m) not in have]
    if missing:
        problems.append(Message("compile.metrics", {"missing": missing, "found": list(record.metrics)}))
    if params.learning_rate is not None and (
        record.learning_rate is None or not math.isclose(record.learning_rate, params.learning_rate, rel_tol=1e-3)
    ):
        problems.append(
            Message("compile.learning_rate", {"found": record.learning_rate, "expected": params.learning_rate})
        )
    if problems:
        return CheckResult.fail(*problems, fraction=0.5 if len(problems) == 1 else 0.0, **facts)
    return CheckResult.ok(Message("compile.ok", {"optimizer": record.optimizer, "loss": record.loss}), **facts)


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
        return CheckResult.fail(Message("training.no_fit"))
    loss = _loss_series(fit)
    facts: dict[str, Any] = {
        "epochs": fit.epochs,
        "epochs_run": fit.epochs_run,
        "batch_size": fit.batch_size,
        "validation": fit.validation.mode,
        "first_loss": loss[0] if loss else None,
        "last_loss": loss[-1] if loss else None,
    }
    problems = []
    if params.epochs is not None and fit.epochs != params.epochs:
        problems.append(Message("training.epochs", {"found": fit.epochs, "expected": params.epochs}))
    if params.min_epochs is not None and (fit.epochs_run or fit.epochs or 0) < params.min_epochs:
        problems.append(
            Message("training.min_epochs", {"found": fit.epochs_run or fit.epochs, "expected": params.min_epochs})
        )
    if params.batch_size is not None and fit.batch_size != params.batch_size:
        problems.append(Message("training.batch_size", {"found": fit.batch_size, "expected": params.batch_size}))
    # validation given to fit, or (a hand-written epoch loop) the model judged on validation rows
    validated = fit.validation.mode != "none" or evidence.roles.validation_mode == "evaluated"
    if params.validation == "required" and not validated:
        problems.append(Message("training.no_validation"))
    if params.loss_decreased:
        if len(loss) < 2:
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


class TuningParams(Params):
    """Parameters of ``tuning``."""

    min_configs: int = 2
    """How many distinct hyper-parameter configurations must be trained and compared."""


def configuration(evidence: Evidence, fit: FitRecord) -> tuple[Any, ...]:
    """What distinguishes one training run from another: architecture, optimizer, fit settings."""
    model = evidence.models.get(fit.mid)
    compile_record = evidence.compile_for(fit.mid)
    layers = tuple((x.type, x.units, x.filters, x.activation, x.rate) for x in model.layers) if model else ()
    params = tuple(
        sorted((k, str(v)) for k, v in (model.params if model else {}).items() if k not in ("random_state", "verbose"))
    )
    optimizer = (compile_record.optimizer, compile_record.learning_rate) if compile_record else None
    return (layers, params, optimizer, fit.epochs, fit.batch_size)


def _compared_on(evidence: Evidence, fit: FitRecord) -> str | None:
    """Where a run was judged: "validation", "test", or None when it was not judged at all."""
    test = evidence.roles.test
    if fit.validation.mode == "split":
        return "validation"
    if fit.validation.mode == "data":
        return "test" if same_rows(fit.validation.x, test) else "validation"
    judged = [rows for rows in assessed_rows(evidence, fit.mid) if not same_rows(rows, fit.x)]
    if not judged:
        return None
    return "test" if all(same_rows(rows, test) for rows in judged) else "validation"


def configurations_judged_on_test(evidence: Evidence) -> set[tuple[Any, ...]]:
    """Configurations whose trained models were evaluated on the test rows.  One is the final
    model's honest report; two or more means the test set was used to choose between them."""
    test = evidence.roles.test
    if test is None:
        return set()
    return {
        configuration(evidence, fit)
        for fit in evidence.fits
        if any(same_rows(rows, test) for rows in assessed_rows(evidence, fit.mid))
    }


@register("tuning", TuningParams)
def check_tuning(evidence: Evidence, params: TuningParams) -> CheckResult:
    """At least N hyper-parameter configurations were trained and compared on validation data."""
    for search in evidence.searches:
        if search.n_candidates >= params.min_configs:
            return CheckResult.ok(
                Message("tuning.search", {"method": search.method, "count": search.n_candidates}),
                configurations=search.n_candidates,
                method=search.method,
            )
    on_validation: set[tuple[Any, ...]] = set()
    on_test: set[tuple[Any, ...]] = set()
    for fit in evidence.fits:
        where = _compared_on(evidence, fit)
        if where == "validation":
            on_validation.add(configuration(evidence, fit))
        elif where == "test":
            on_test.add(configuration(evidence, fit))
    chosen_on_test = configurations_judged_on_test(evidence)
    if len(chosen_on_test) >= 2:
        on_test |= chosen_on_test
        on_validation -= chosen_on_test
    facts: dict[str, Any] = {
        "configurations_on_validation": len(on_validation),
        "configurations_on_test": len(on_test),
        "fits": len(evidence.fits),
    }
    if len(chosen_on_test) >= 2:
        return CheckResult.fail(Message("tuning.on_test", {"count": len(chosen_on_test)}), fraction=0.25, **facts)
    if len(on_validation) >= params.min_configs:
        return CheckResult.ok(Message("tuning.ok", {"count": len(on_validation)}), **facts)
    if len(on_test) + len(on_validation) >= params.min_configs and on_test:
        return CheckResult.fail(Message("tuning.on_test", {"count": len(on_test)}), fraction=0.25, **facts)
    return CheckResult.fail(
        Message("tuning.too_few", {"count": len(on_validation), "expected": params.min_configs}),
        fraction=0.5 if on_validation else 0.0,
        **facts,
    )
