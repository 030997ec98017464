"""Scoring stage: rubric + check results -> scored items (points, partial credit, feedback)."""

from __future__ import annotations

from collections.abc import Mapping

from ..i18n import render
from ..models.results import CellResult, CheckResult, ItemResult, Message
from ..models.rubric import Rubric, RubricItem

__all__ = ["feedback_text", "score_item", "score_items", "total"]


def feedback_text(item: RubricItem, result: CheckResult, lang: str) -> str:
    """The check's own words, then the instructor's words for a pass or a fail."""
    parts = [render(m, lang) for m in result.messages]
    if item.feedback is not None:
        extra = item.feedback.passed if result.passed else item.feedback.failed
        if extra is not None:
            parts.append(extra.get(lang))
    return " ".join(p for p in parts if p)


def score_item(item: RubricItem, result: CheckResult, lang: str = "en") -> ItemResult:
    """Points for one item: all when passed, the check's share when it allows partial credit."""
    if result.passed:
        points = item.points
    elif item.partial:
        points = round(item.points * min(max(result.fraction, 0.0), 1.0), 4)
    else:
        points = 0.0
    return ItemResult(
        id=item.id,
        check=item.check,
        title=item.title.get(lang),
        points=float(points),
        max_points=float(item.points),
        passed=result.passed,
        feedback=feedback_text(item, result, lang),
        evidence=dict(result.evidence),
        visibility=item.visibility,
        required=item.required,
    )


def score_items(rubric: Rubric, results: Mapping[str, CheckResult], lang: str = "en") -> tuple[ItemResult, ...]:
    """Every rubric item scored; an item without a result scores zero."""
    scored = []
    for item in rubric.items:
        result = results.get(item.id) or CheckResult.fail(Message("scoring.not_checked"))
        scored.append(score_item(item, result, lang))
    return tuple(scored)


def total(items: tuple[ItemResult, ...], visible_only: bool = False) -> tuple[float, float]:
    """(score, max score), optionally over visible items only."""
    chosen = [i for i in items if not visible_only or i.visibility == "visible"]
    return float(sum(i.points for i in chosen)), float(sum(i.max_points for i in chosen))


def cell_results(cells: tuple[object, ...]) -> tuple[CellResult, ...]:
    """Cell runs as they appear in the result JSON."""
    return tuple(CellResult(index=c.index, status=c.status, error=c.error) for c in cells)  # type: ignore[attr-defined]
