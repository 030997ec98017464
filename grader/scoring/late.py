"""The late penalty: a due time, the LMS's submission time and the rubric's policy -> the total.

Applied once, where a result's total is final: after any instructor override of items, on the
total (never per item).  Each day begun after the due time costs ``per_day`` percent of the total
(Canvas's late policy rounds a part of a day up the same way: "1.3 days late" is two days), up to
``max``; within ``grace_minutes`` it is on time; the total never goes below 0.  Without a known
submission time nothing is taken off: a time the LMS did not give is never guessed from a file.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime

from ..models.results import LateRecord, Result
from ..models.rubric import LatePolicy

MINUTES_A_DAY = 24 * 60

__all__ = ["late_applied", "late_removed", "minutes_late", "penalised_total", "penalty_percent"]


def minutes_late(submitted_at: datetime, due: datetime) -> int:
    """Whole minutes begun after ``due`` (0 when on or before it); both must be aware."""
    seconds = (submitted_at - due).total_seconds()
    return 0 if seconds <= 0 else math.ceil(seconds / 60)


def penalty_percent(minutes: int, policy: LatePolicy) -> float:
    """Percent of the total taken off for ``minutes`` late under ``policy``."""
    if minutes <= policy.grace_minutes:
        return 0.0
    days = math.ceil(minutes / MINUTES_A_DAY)
    return float(min(days * policy.per_day, policy.max))


def penalised_total(score: float, percent: float) -> float:
    """``score`` less ``percent`` of it, never below 0."""
    return max(0.0, round(score * (1 - percent / 100), 4))


def late_removed(result: Result) -> Result:
    """``result`` as it was before any late penalty (its total restored)."""
    if result.late is None:
        return result
    return replace(result, score=result.late.score_before, late=None)


def late_kept(result: Result, record: LateRecord | None) -> Result:
    """``result`` (its items changed since, e.g. by an override) with the same late reckoning
    ``record`` put on its new total again: the same percentage, never compounded."""
    base = late_removed(result)
    if record is None:
        return base
    after = penalised_total(base.score, record.percent)
    return replace(base, score=after, late=replace(record, score_before=base.score, score_after=after))


def late_applied(
    result: Result, due: datetime, policy: LatePolicy, submitted_at: datetime | None, *, marked_late: bool = False
) -> Result:
    """``result`` with its total penalised for lateness and the reckoning kept in ``late``.

    Starts from the total before any earlier penalty, so applying it again (a reused result, a
    new due time) never compounds.  ``submitted_at`` None: no penalty (the time is unknown)."""
    base = late_removed(result)
    minutes = None if submitted_at is None else minutes_late(submitted_at, due)
    percent = 0.0 if minutes is None else penalty_percent(minutes, policy)
    after = penalised_total(base.score, percent)
    record = LateRecord(
        due=due.isoformat(timespec="minutes"),
        submitted_at=None if submitted_at is None else submitted_at.astimezone(UTC).isoformat(timespec="seconds"),
        minutes_late=minutes,
        percent=percent,
        score_before=base.score,
        score_after=after,
        marked_late=marked_late,
    )
    return replace(base, score=after, late=record)
