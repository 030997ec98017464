"""``metric`` and ``saved_model``: judged on the grader's own measurements, not on printed claims."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..models.evidence import Evidence
from ..models.results import CheckResult, Message
from .registry import Params, register


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
        if evidence.roles.test is None:
            return CheckResult.fail(Message("metric.no_test_rows"))
        reason = evidence.reevaluation_problem or "no saved inputs and labels for the test rows"
        return CheckResult.fail(Message("metric.not_measured", {"reason": reason}))
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
    if problems:
        fraction = (
            0.5 if value >= params.min * 0.9 and measured.predicted_classes >= params.min_predicted_classes else 0.0
        )
        return CheckResult.fail(*problems, fraction=fraction, **facts)
    return CheckResult.ok(
        Message("metric.ok", {"metric": params.metric, "value": value, "rows": measured.n, "min": params.min}), **facts
    )


class SavedModelParams(Params):
    """Parameters of ``saved_model``."""

    formats: list[str] = Field(default_factory=lambda: ["keras"])
    """Each of these file formats (by extension: keras, h5) must be saved and load back."""
    min_agreement: float = 0.99
    """Share of test rows where the loaded file and the final live model agree."""


@register("saved_model", SavedModelParams)
def check_saved_model(evidence: Evidence, params: SavedModelParams) -> CheckResult:
    """The model was saved and the saved file loads and predicts like the live model."""
    facts: dict[str, Any] = {
        "saved": [
            {"file": s.path, "loads": s.loads, "agreement": s.agreement, "error": s.error}
            for s in evidence.saved_models
        ]
    }
    if not evidence.saved_models:
        return CheckResult.fail(Message("saved_model.none"), **facts)
    problems = []
    passed = 0
    for fmt in params.formats:
        files = [s for s in evidence.saved_models if (s.format or "").lower() in (fmt, fmt.lstrip("."))]
        if not files:
            problems.append(Message("saved_model.missing_format", {"format": fmt}))
            continue
        good = [s for s in files if s.loads and (s.agreement is None or s.agreement >= params.min_agreement)]
        if good:
            passed += 1
            continue
        bad = files[-1]
        if not bad.loads:
            problems.append(Message("saved_model.does_not_load", {"file": bad.path, "error": bad.error or ""}))
        else:
            problems.append(Message("saved_model.disagrees", {"file": bad.path, "agreement": bad.agreement or 0.0}))
    if problems:
        return CheckResult.fail(*problems, fraction=passed / max(1, len(params.formats)), **facts)
    return CheckResult.ok(Message("saved_model.ok", {"formats": params.formats}), **facts)
