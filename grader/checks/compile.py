"""``compile``: optimizer, loss and metrics as the rubric says."""

from __future__ import annotations

import math
from typing import Any

from ..models.evidence import Evidence
from ..models.results import CheckResult, Message
from . import causes
from .absence import absent
from .choices import one_of
from .final_model import final_model
from .names import canonical_loss, canonical_metric, snake
from .registry import Params, register

MESSAGES: tuple[str, ...] = (
    "compile.ok",
    "compile.no_model",
    "compile.not_keras",
    "compile.not_compiled",
    "compile.optimizer",
    "compile.loss",
    "compile.metrics",
    "compile.learning_rate",
    "absent.no_model",
    "absent.no_compile",
    *causes.MESSAGES,
)
"""Catalogue codes this check emits."""


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
        why = causes.absence_causes(evidence, calls=("compile",), source=causes.MODEL_SOURCE)
        verdict = (
            CheckResult.not_judged(Message("absent.no_model"), *why)
            if why
            else CheckResult.fail(Message("compile.no_model"))
        )
        return absent(evidence, "model", verdict)
    if model.framework != "keras":
        return CheckResult.fail(Message("compile.not_keras", {"found": model.final_class or model.cls}))
    record = evidence.compile_for(model.mid)
    if record is None:
        why = causes.absence_causes(evidence, calls=("compile",), source=causes.COMPILE_SOURCE)
        verdict = (
            CheckResult.not_judged(Message("absent.no_compile"), *why)
            if why
            else CheckResult.fail(Message("compile.not_compiled"))
        )  # compile was written but raised (a failed import, a bad argument)
        return absent(evidence, "compile", verdict)
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
