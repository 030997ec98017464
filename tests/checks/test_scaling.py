"""No check does work quadratic in the models a notebook trains or the lines it prints (issue 12).

Counted, never timed: the Python calls a check makes (``sys.setprofile`` sees every function
call and generator step, so a loop inside a loop shows), and the calls of the inner helpers
that used to run once per pair (claim x value, prediction x label array, line x history).
Four times the models and lines must cost about four times the calls, not sixteen.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from synthetic import STYLES, tuning_notebook

from grader.checks import integrity, loss_plot, printed, run_check
from grader.checks.rows import RowsIndex
from grader.evidence.claims import parse_claims
from grader.evidence.environment import find_environment_gaps
from grader.evidence.loops import with_epoch_losses
from grader.evidence.roles import analyse_roles
from grader.models.evidence import DataRoles, Evidence
from grader.pipeline import check_all, rubric_from
from grader.scoring import score_items
from grader.scoring.notes import note_messages

from .legacy import integrity as old_integrity

GROWTH = 4
"""The large notebook has this many times the models and the printed lines of the small one."""
LINEAR = 1.5 * GROWTH
"""The most a check's calls may grow by: linear with room for constant parts (quadratic: 16)."""


def python_calls(work: Callable[[], Any]) -> int:
    """How many Python function calls (and generator steps) ``work`` makes."""
    count = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event == "call":
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(previous)
    return count


def _pair(style: str) -> tuple[Evidence, Evidence]:
    return (
        tuning_notebook(10, 100, style, epochs=10),  # type: ignore[arg-type]
        tuning_notebook(10 * GROWTH, 100 * GROWTH, style, epochs=10),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("style", STYLES)
def test_every_hcv_check_grows_linearly_with_models_and_printed_lines(style: str) -> None:
    rubric = rubric_from("hcv")
    small, large = _pair(style)
    for item in rubric.items:
        few = python_calls(lambda ev=small, item=item: run_check(item.check, ev, item.params))
        many = python_calls(lambda ev=large, item=item: run_check(item.check, ev, item.params))
        assert many <= LINEAR * max(few, 50), (item.check, few, many)

    def score(ev: Evidence) -> None:
        score_items(rubric, check_all(rubric, ev))
        note_messages(ev)

    few, many = python_calls(lambda: score(small)), python_calls(lambda: score(large))
    assert many <= LINEAR * few, ("scoring", few, many)


@pytest.mark.parametrize("style", STYLES)
def test_the_evidence_stage_analyses_grow_linearly(style: str) -> None:
    """What ``build_evidence`` works out from the loaded records (loops, roles, claims, gaps)."""

    def analyse(ev: Evidence) -> None:
        looped = with_epoch_losses(replace(ev, roles=DataRoles(final_mid=None), claims=()))
        analyse_roles(looped)
        parse_claims(looped.outputs)
        find_environment_gaps(looped.cells, looped.outputs)

    small, large = _pair(style)
    few, many = python_calls(lambda: analyse(small)), python_calls(lambda: analyse(large))
    assert many <= LINEAR * few, (few, many)


def test_the_count_sees_a_quadratic_check() -> None:
    """The legacy integrity check (claims x values) grows as the square: the measure can fail."""
    small, large = _pair("keras")
    params = old_integrity.IntegrityParams()
    few = python_calls(lambda: old_integrity.check_integrity(small, params))
    many = python_calls(lambda: old_integrity.check_integrity(large, params))
    assert many > 2 * LINEAR * few


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Calls of the inner helpers that used to run once per pair."""
    counts: Counter[str] = Counter()

    def counting(owner: Any, name: str) -> None:
        inner = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return inner(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)

    counting(printed, "_supports")  # a claim against one value
    counting(integrity, "_accuracy")  # two label arrays compared
    counting(loss_plot, "_close")  # a plotted line against one history
    counting(RowsIndex, "same")  # two row sets compared
    counting(RowsIndex, "_fingerprints")  # a row set's fingerprints read
    return counts


@pytest.mark.parametrize("style", STYLES)
def test_inner_helpers_run_a_bounded_number_of_times_per_model_and_line(style: str, counted: Counter[str]) -> None:
    ev = tuning_notebook(50, 500, style)  # type: ignore[arg-type]
    check_all(rubric_from("hcv"), ev)
    lines = sum(len(ax.lines) for figure in ev.figures for ax in figure.axes)
    assert counted["_supports"] <= 2 * len(ev.claims)
    assert counted["_accuracy"] <= 3 * 50
    assert counted["_close"] <= 4 * lines
    records = len(ev.fits) + len(ev.evaluations) + len(ev.predictions) + len(ev.metric_calls)
    assert counted["same"] <= 2 * records
    assert counted["_fingerprints"] <= 2 * records
    assert counted["_supports"] and counted["_accuracy"] and counted["same"]  # the counts are live
