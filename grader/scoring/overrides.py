"""An instructor's overrides applied to a scored result: the one place they change points.

Every path that produces or shows results (the class run grading or reusing a submission,
``grader report``, ``grader override``) passes its result through :func:`apply_overrides` with
the overrides the gradebook holds; exports read the results so adjusted.  The function starts
from the machine's own verdict each time (kept on the item), so applying again, with other
overrides or none, never stacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..models.results import AppliedOverride, ItemResult, Override, Result

__all__ = ["apply_overrides", "machine_item", "machine_result"]


def machine_item(item: ItemResult) -> ItemResult:
    """``item`` as the checks scored it, any override taken off."""
    held = item.override
    if held is None:
        return item
    return replace(
        item,
        points=held.machine_points,
        passed=held.machine_passed,
        judged=held.machine_judged,
        needs_review=held.machine_needs_review,
        override=None,
    )


def _overridden(item: ItemResult, decision: Override) -> ItemResult:
    points = min(max(float(decision.points), 0.0), item.max_points)  # a rubric whose item shrank since
    return replace(
        item,
        points=points,
        passed=points >= item.max_points,
        judged=True,  # a person judged it
        needs_review=False,
        override=AppliedOverride(decision, item.points, item.passed, item.judged, item.needs_review),
    )


def _adjusted(result: Result, items: tuple[ItemResult, ...]) -> Result:
    # the total moves by the items' difference only: what else adjusted it is kept
    delta = sum(new.points - old.points for new, old in zip(items, result.items, strict=True))
    return replace(result, items=items, score=round(result.score + delta, 4))


def machine_result(result: Result) -> Result:
    """``result`` as the checks scored it, every override taken off."""
    return _adjusted(result, tuple(machine_item(i) for i in result.items))


def apply_overrides(result: Result, overrides: Mapping[str, Override]) -> Result:
    """``result`` with each item named in ``overrides`` given the instructor's points (within
    0..the item's maximum), marked overridden with the machine's verdict kept, needing no review;
    the total recomputed.  Items without an override get the machine's verdict back; an
    override of an item the rubric no longer has is ignored."""
    items = []
    for item in result.items:
        base = machine_item(item)
        decision = overrides.get(item.id)
        items.append(base if decision is None else _overridden(base, decision))
    return _adjusted(result, tuple(items))
