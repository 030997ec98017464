"""Scoring stage: rubric + check results -> scored items (points, partial credit, messages).

Nothing here renders text: an item keeps the check's messages and the instructor's remark
as messages, and the title in both languages; reports render them in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..models.execution import CellRun
from ..models.results import CellResult, CheckResult, ItemResult, Message
from ..models.rubric import Rubric, RubricItem, Text

__all__ = ["cell_results", "item_messages", "score_item", "score_items", "total", "words"]


def words(text: Text) -> Message:
    """A rubric's text in both languages, as a message."""
    return Message.words(text.en, text.id)


def item_messages(item: RubricItem, result: CheckResult) -> tuple[Message, ...]:
    """The check's own messages, then the instructor's remark for a pass or a fail."""
    messages = list(result.messages)
    if item.feedback is not None:
        extra = item.feedback.passed if result.passed else item.feedback.failed
        if extra is not None:
            messages.append(words(extra))
    return tuple(messages)


def score_item(item: RubricItem, result: CheckResult) -> ItemResult:
    """Points for one item: all when passed, the check's share when it allows partial credit."""
    if not result.judged:
        points = 0.0
    elif result.passed:
        points = item.points
    elif item.partial:
        points = round(item.points * min(max(result.fraction, 0.0), 1.0), 4)
    else:
        points = 0.0
    return ItemResult(
        id=item.id,
        check=item.check,
        title=words(item.title),
        points=float(points),
        max_points=float(item.points),
        passed=result.passed and result.judged,
        messages=item_messages(item, result),
        evidence=dict(result.evidence),
        visibility=item.visibility,
        required=item.required,
        judged=result.judged,
        needs_review=result.needs_review,
    )


def score_items(rubric: Rubric, results: Mapping[str, CheckResult]) -> tuple[ItemResult, ...]:
    """Every rubric item scored; an item without a result scores zero."""
    scored = []
    for item in rubric.items:
        result = results.get(item.id) or CheckResult.fail(Message("scoring.not_checked"))
        scored.append(score_item(item, result))
    return tuple(scored)


def total(items: tuple[ItemResult, ...], visible_only: bool = False) -> tuple[float, float]:
    """(score, max score), optionally over visible items only."""
    chosen = [i for i in items if not visible_only or i.visibility == "visible"]
    return float(sum(i.points for i in chosen)), float(sum(i.max_points for i in chosen))


def cell_results(cells: tuple[CellRun, ...]) -> tuple[CellResult, ...]:
    """Cell runs as they appear in the result JSON."""
    return tuple(CellResult(index=c.index, status=c.status, error=c.error) for c in cells)
