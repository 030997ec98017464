"""``compile``: optimizer, loss and metrics as the rubric says."""

from __future__ import annotations

import math
from typing import Any

from ..models.evidence import CompileRecord, Evidence, ModelRecord
from ..models.results import CheckResult, Message
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
    "compile.binary_accuracy",
    "compile.binary_loss",
)
"""Catalogue codes this check emits."""


class CompileParams(Params):
    """Parameters of ``compile``."""

    optimizer: str | list[str] | None = None
    loss: str | list[str] | None = None
    metrics: list[str] | None = None
    """Metrics that must be among the compiled ones (``acc`` counts as ``accuracy``)."""
    learning_rate: float | None = None


def label_classes(evidence: Evidence, model: ModelRecord) -> int | None:
    """How many classes the model's training labels hold (one-hot columns, or distinct labels)."""
    for run in reversed(evidence.fits_for(model.mid)):
        y = run.y
        if y is None or y.kind != "labels":
            continue
        if len(y.shape) == 2 and y.shape[1] > 1:
            return int(y.shape[1])
        if y.classes:
            return len(y.classes)
    return None


def binary_accuracy_on_classes(evidence: Evidence, model: ModelRecord, record: CompileRecord) -> dict[str, int]:
    """Compiled metrics that Keras computes as binary accuracy although the labels hold more
    than two classes: name -> number of classes.  Such an "accuracy" scores every one-hot
    column as its own yes/no answer, so it reads high whatever the model does."""
    classes = label_classes(evidence, model)
    if classes is None or classes <= 2:
        return {}
    built: dict[str, str] = dict(record.metric_classes)
    runs = evidence.fits_for(model.mid)
    if runs:
        built.update(runs[-1].metric_classes)  # what Keras resolved "accuracy" into
    names = list(dict.fromkeys([*record.metrics, *built]))
    return {name: classes for name in names if snake(built.get(name, name)) in ("binaryaccuracy", "binaryacc")}


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
    classes = label_classes(evidence, model)
    if losses and canonical_loss(record.loss) not in losses:
        if canonical_loss(record.loss) == "binary_crossentropy" and (classes or 0) > 2:
            problems.append(Message("compile.binary_loss", {"found": record.loss, "classes": classes}))
        else:
            problems.append(Message("compile.loss", {"found": record.loss, "expected": one_of(params.loss)}))
    binary = binary_accuracy_on_classes(evidence, model, record)
    facts["binary_accuracy"] = sorted(binary)
    have = {canonical_metric(m) for m in record.metrics if m not in binary}
    # a binary accuracy named "accuracy" is reported for what it is, not also as a missing metric
    missing = [m for m in params.metrics or [] if canonical_metric(m) not in have]
    if binary and missing and any(canonical_metric(m) == "accuracy" for m in missing):
        name, classes = next(iter(binary.items()))
        floor = (classes - 1) / classes  # every one-hot column answered "no"
        problems.append(Message("compile.binary_accuracy", {"name": name, "classes": classes, "floor": floor}))
        missing = [m for m in missing if canonical_metric(m) != "accuracy"]
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
