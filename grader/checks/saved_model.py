"""``saved_model``: the model was saved and the saved file loads and predicts like the live model."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..models.evidence import Evidence
from ..models.results import CheckResult, Message
from . import causes
from .absence import absent
from .registry import Params, register

MESSAGES: tuple[str, ...] = (
    "saved_model.ok",
    "saved_model.none",
    "saved_model.missing_format",
    "saved_model.does_not_load",
    "saved_model.disagrees",
    "saved_model.not_checked",
    "absent.no_save",
    *causes.MESSAGES,
)
"""Catalogue codes this check emits."""


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
        why = causes.absence_causes(evidence, calls=("fit",), source=causes.SAVE_SOURCE)
        verdict = (
            CheckResult.not_judged(Message("absent.no_save"), *why, **facts)
            if why
            else CheckResult.fail(Message("saved_model.none"), **facts)
        )  # the notebook failed before (or while) saving
        return absent(evidence, "save", verdict)
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
        if not bad.judged:  # the grader's re-evaluation failed, not the file: no verdict
            return CheckResult.not_judged(
                Message("saved_model.not_checked", {"file": bad.path, "error": bad.error or ""}),
                needs_review=True,
                **facts,
            )
        if not bad.loads:
            problems.append(Message("saved_model.does_not_load", {"file": bad.path, "error": bad.error or ""}))
        else:
            problems.append(Message("saved_model.disagrees", {"file": bad.path, "agreement": bad.agreement or 0.0}))
    if problems:
        return CheckResult.fail(*problems, fraction=passed / max(1, len(params.formats)), **facts)
    return CheckResult.ok(Message("saved_model.ok", {"formats": params.formats}), **facts)
