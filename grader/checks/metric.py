"""``metric``: the grader's own re-computation of the metric on the test split meets the
threshold (printed claims do not count)."""

from __future__ import annotations

from typing import Any, Literal

from ..models.evidence import Evidence
from ..models.results import CheckResult, Message
from . import causes
from .absence import absent
from .final_model import final_fit
from .registry import Params, register

MESSAGES: tuple[str, ...] = (
    "metric.ok",
    "metric.no_test_rows",
    "metric.not_measured",
    "metric.one_class",
    "metric.below",
    "metric.not_above_baseline",
    "absent.no_training",
    *causes.MESSAGES,
)
"""Catalogue codes this check emits."""


class MetricParams(Params):
    """Parameters of ``metric``."""

    metric: Literal["accuracy", "macro_f1"] = "accuracy"
    min: float = 0.0
    role: Literal["test", "validation"] = "test"
    above_baseline: float | None = None
    """Accuracy must beat always answering the most common class by this margin."""
    min_predicted_classes: int = 2


@register("metric", MetricParams)
def check_metric(evidence: Evidence, params: MetricParams) -> CheckResult:
    """The grader's own re-computation of the metric on the test split meets the threshold."""
    measured = evidence.measurement(params.role)
    if measured is None:
        if not evidence.fits:  # nothing to measure: say why no model was trained
            why = causes.absence_causes(evidence, calls=("fit", "partial_fit"), source=causes.FIT_SOURCE)
            return absent(evidence, "fit", CheckResult.not_judged(Message("absent.no_training"), *why))
        if evidence.roles.test is None:
            why = causes.absence_causes(evidence, calls=("evaluate", "predict"), source=causes.ASSESS_SOURCE)
            verdict = (
                CheckResult.not_judged(Message("metric.no_test_rows"), *why)
                if why
                else CheckResult.fail(Message("metric.no_test_rows"))
            )
            return absent(evidence, "predict", verdict)
        reason = evidence.reevaluation_problem or "no saved inputs and labels for the test rows"
        # the grader could not measure what the notebook did: no verdict, a person should look
        return absent(
            evidence,
            "predict",
            CheckResult.not_judged(Message("metric.not_measured", {"reason": reason}), needs_review=True),
        )
    value = measured.accuracy if params.metric == "accuracy" else measured.macro_f1
    facts: dict[str, Any] = {
        "metric": params.metric,
        "value": round(value, 4),
        "accuracy": round(measured.accuracy, 4),
        "macro_f1": round(measured.macro_f1, 4),
        "majority_accuracy": round(measured.majority_accuracy, 4),
        "rows": measured.n,
        "predicted_classes": measured.predicted_classes,
        "source": measured.source,
    }
    problems = []
    if measured.predicted_classes < params.min_predicted_classes:
        problems.append(
            Message("metric.one_class", {"classes": measured.predicted_classes, "majority": measured.majority_accuracy})
        )
    if value < params.min:
        problems.append(Message("metric.below", {"metric": params.metric, "value": value, "min": params.min}))
    if params.above_baseline is not None and measured.accuracy < measured.majority_accuracy + params.above_baseline:
        problems.append(
            Message("metric.not_above_baseline", {"value": measured.accuracy, "baseline": measured.majority_accuracy})
        )
    fit = final_fit(evidence)
    if problems and fit is not None and causes.learned_nothing(fit):
        problems.extend(causes.nan_loss_messages(evidence, fit))  # the real reason it predicts one class
    if problems:
        fraction = (
            0.5 if value >= params.min * 0.9 and measured.predicted_classes >= params.min_predicted_classes else 0.0
        )
        return CheckResult.fail(*problems, fraction=fraction, **facts)
    return CheckResult.ok(
        Message("metric.ok", {"metric": params.metric, "value": value, "rows": measured.n, "min": params.min}), **facts
    )
