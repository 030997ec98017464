"""``compile``: optimizer, loss and metrics as the rubric says.

A scikit-learn MLP has no compile step; with ``framework: any`` (or ``sklearn``) its training
configuration answers the same questions: the optimizer is ``solver`` (with
``learning_rate_init`` for adam and sgd), the loss is the one the estimator minimises by
construction (an MLPClassifier: cross-entropy, ``log_loss`` - categorical with a softmax output,
binary with a logistic one; an MLPRegressor: squared error) and its ``score`` metric is accuracy
(a regressor's is R²)."""

from __future__ import annotations

import math
from typing import Any, Literal

from ..models.evidence import CompileRecord, Evidence, ModelRecord
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
    "compile.ok_sklearn",
    "compile.loss_sklearn",
    "compile.not_network",
    "compile.wrong_framework",
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
    framework: Literal["keras", "sklearn", "any"] = "keras"
    """``keras``: a scikit-learn model was never compiled and fails; ``any``/``sklearn``: an MLP's
    solver, loss and score answer instead (see the module's docstring)."""


SKLEARN_LOSS = {"softmax": "categorical_crossentropy", "logistic": "binary_crossentropy"}
"""The loss an MLPClassifier minimises, by its output activation (both are its ``log_loss``)."""


def sklearn_settings(model: ModelRecord) -> CompileRecord | None:
    """An MLP's training configuration as a compile record; None for a model without a solver
    (not a neural network)."""
    solver = model.params.get("solver")
    if not model.layer_sizes or not isinstance(solver, str):
        return None
    regressor = "Regressor" in (model.final_class or model.cls)
    activation = model.out_activation or ("identity" if regressor else "softmax")
    classifier = activation in SKLEARN_LOSS
    rate = model.params.get("learning_rate_init")
    return CompileRecord(
        seq=model.seq,
        cell=model.cell,
        mid=model.mid,
        optimizer=solver,
        learning_rate=float(rate) if solver in ("adam", "sgd") and isinstance(rate, int | float) else None,
        loss=SKLEARN_LOSS[activation] if classifier else "mean_squared_error",
        metrics=("accuracy",) if classifier else ("r2",),
    )


def _settings(evidence: Evidence, model: ModelRecord, params: CompileParams) -> CompileRecord | Message:
    """The final model's compile settings, or why there are none."""
    found = model.final_class or model.cls
    if params.framework == "sklearn" and model.framework != "sklearn":
        return Message("compile.wrong_framework", {"found": model.framework, "expected": "sklearn"})
    if model.framework != "keras":
        if params.framework == "keras":
            return Message("compile.not_keras", {"found": found})
        return sklearn_settings(model) or Message("compile.not_network", {"found": found})
    return evidence.compile_for(model.mid) or Message("compile.not_compiled")


def _same_loss(found: str | None, losses: list[str], sklearn: bool) -> bool:
    name = canonical_loss(found)
    if sklearn and name == "categorical_crossentropy":
        # an MLPClassifier encodes the labels itself: sparse or not is the same cross-entropy
        return bool({"categorical_crossentropy", "sparse_categorical_crossentropy"} & set(losses))
    return name in losses


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
    """The final model was compiled with the expected optimizer, loss and metrics (a Keras
    model's ``compile``; an MLP's solver, loss and score when the rubric accepts scikit-learn)."""
    model = final_model(evidence)
    if model is None:
        why = causes.absence_causes(evidence, calls=("compile",), source=causes.MODEL_SOURCE)
        verdict = (
            CheckResult.not_judged(Message("absent.no_model"), *why)
            if why
            else CheckResult.fail(Message("compile.no_model"))
        )
        return absent(evidence, "model", verdict)
    record = _settings(evidence, model, params)
    if isinstance(record, Message):
        if record.code != "compile.not_compiled":
            return CheckResult.fail(record)
        # compile was written but raised (a failed import, a bad argument): say so
        why = causes.absence_causes(evidence, calls=("compile",), source=causes.COMPILE_SOURCE)
        verdict = CheckResult.not_judged(Message("absent.no_compile"), *why) if why else CheckResult.fail(record)
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
    classes = label_classes(evidence, model)
    sklearn = model.framework == "sklearn"
    if losses and not _same_loss(record.loss, losses, sklearn):
        if not sklearn and canonical_loss(record.loss) == "binary_crossentropy" and (classes or 0) > 2:
            problems.append(Message("compile.binary_loss", {"found": record.loss, "classes": classes}))
        else:
            code = "compile.loss_sklearn" if sklearn else "compile.loss"
            problems.append(Message(code, {"found": record.loss, "expected": one_of(params.loss)}))
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
    if model.framework == "sklearn":
        return CheckResult.ok(
            Message(
                "compile.ok_sklearn",
                {
                    "model": model.final_class or model.cls,
                    "solver": record.optimizer,
                    "loss": record.loss,
                    "metric": record.metrics[0] if record.metrics else "-",
                },
            ),
            **facts,
        )
    return CheckResult.ok(Message("compile.ok", {"optimizer": record.optimizer, "loss": record.loss}), **facts)
