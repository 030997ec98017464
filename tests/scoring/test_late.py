"""The late penalty on a result's total: boundaries of the due time, grace, the cap, the floor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from grader.models.results import Result
from grader.models.rubric import LatePolicy
from grader.scoring.late import late_applied, late_removed, minutes_late, penalised_total, penalty_percent

WIB = timezone(timedelta(hours=7))
DUE = datetime(2026, 12, 1, 23, 59, tzinfo=WIB)
POLICY = LatePolicy(per_day=10, max=50, grace_minutes=0)


def _result(score: float = 80.0) -> Result:
    return Result("a.ipynb", "s1", "hcv", "graded", score, 100.0, 1.0, (), ())


def test_exactly_on_time_and_one_second_late() -> None:
    assert minutes_late(DUE, DUE) == 0
    assert minutes_late(DUE - timedelta(days=3), DUE) == 0
    assert minutes_late(DUE + timedelta(seconds=1), DUE) == 1  # a minute begun counts
    # the same instant in another zone is on time
    assert minutes_late(DUE.astimezone(UTC), DUE) == 0


def test_each_day_begun_costs_per_day_up_to_max() -> None:
    assert penalty_percent(0, POLICY) == 0
    assert penalty_percent(1, POLICY) == 10
    assert penalty_percent(24 * 60, POLICY) == 10
    assert penalty_percent(24 * 60 + 1, POLICY) == 20
    assert penalty_percent(4 * 24 * 60 + 1, POLICY) == 50  # five days would be 50: the cap
    assert penalty_percent(30 * 24 * 60, POLICY) == 50


def test_grace_minutes_are_on_time_and_then_days_count_from_the_due_time() -> None:
    graceful = LatePolicy(per_day=10, max=100, grace_minutes=15)
    assert penalty_percent(15, graceful) == 0
    assert penalty_percent(16, graceful) == 10
    assert penalty_percent(24 * 60 + 1, graceful) == 20


def test_the_total_never_goes_below_zero() -> None:
    assert penalised_total(80, 25) == 60
    assert penalised_total(80, 100) == 0
    assert penalised_total(0, 50) == 0


def test_applied_to_the_total_and_recorded() -> None:
    late = late_applied(_result(80), DUE, POLICY, DUE + timedelta(hours=26))
    assert late.score == 64.0
    assert late.late is not None
    assert (late.late.minutes_late, late.late.percent, late.late.score_before, late.late.score_after) == (
        26 * 60,
        20,
        80,
        64,
    )
    assert late.late.due == "2026-12-01T23:59+07:00"
    assert late.late.submitted_at == "2026-12-02T18:59:00+00:00"


def test_applied_again_never_compounds_and_can_be_removed() -> None:
    once = late_applied(_result(80), DUE, POLICY, DUE + timedelta(hours=26))
    twice = late_applied(once, DUE, POLICY, DUE + timedelta(hours=26))
    assert twice.score == once.score == 64
    on_time = late_applied(once, DUE + timedelta(days=2), POLICY, DUE + timedelta(hours=26))
    assert on_time.score == 80 and on_time.late is not None and on_time.late.percent == 0
    assert late_removed(once).score == 80 and late_removed(once).late is None


def test_unknown_time_takes_nothing_off_and_a_late_mark_asks_for_review() -> None:
    unknown = late_applied(_result(80), DUE, POLICY, None)
    assert unknown.score == 80 and unknown.late is not None and unknown.late.minutes_late is None
    assert not unknown.late.needs_review
    marked = late_applied(_result(80), DUE, POLICY, None, marked_late=True)
    assert marked.score == 80 and marked.late is not None and marked.late.needs_review


@pytest.mark.parametrize(("field", "value"), [("per_day", -1), ("per_day", 101), ("max", 150), ("grace_minutes", -5)])
def test_bad_policy_values_are_refused(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        LatePolicy.model_validate({field: value})


def test_an_override_after_the_penalty_is_penalised_the_same_way():
    from dataclasses import replace as _replace

    from grader.scoring.late import late_kept, late_removed

    late = late_applied(_result(80.0), DUE, POLICY, DUE + timedelta(hours=26))  # 2 days: -20%
    assert late.score == 64.0
    raised = _replace(late_removed(late), score=90.0)  # an item given 10 more points, before the penalty
    again = late_kept(raised, late.late)
    assert again.score == 72.0 and again.late is not None
    assert (again.late.score_before, again.late.score_after, again.late.percent) == (90.0, 72.0, 20.0)
    assert late_kept(_result(80.0), None).score == 80.0
