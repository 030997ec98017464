"""Evidence cache keys and the scoring of items."""

from __future__ import annotations

from grader.cache import run_key
from grader.i18n import feedback_text, title_text
from grader.models.results import CheckResult, Message
from grader.models.rubric import Rubric
from grader.scoring import score_items, total


def test_cache_key_changes_with_notebook_siblings_and_settings(tmp_path):
    nb = tmp_path / "a.ipynb"
    nb.write_text("{}")
    data = tmp_path / "data.csv"
    data.write_text("1")
    base = run_key(nb, (data,), {"cell_timeout": 10})
    assert base == run_key(nb, (data,), {"cell_timeout": 10})
    assert base != run_key(nb, (data,), {"cell_timeout": 20})
    data.write_text("2")
    assert base != run_key(nb, (data,), {"cell_timeout": 10})


RUBRIC = Rubric.model_validate(
    {
        "schema": 1,
        "name": "r",
        "title": "R",
        "items": [
            {"id": "a", "title": "A", "check": "runs", "points": 10},
            {
                "id": "b",
                "title": {"en": "B", "id": "Be"},
                "check": "split",
                "points": 20,
                "feedback": {"fail": {"en": "See lesson 3.", "id": "Lihat pelajaran 3."}},
            },
            {"id": "c", "title": "C", "check": "metric", "points": 10, "partial": False, "visibility": "hidden"},
        ],
    }
)


def test_partial_credit_and_instructor_feedback():
    results = {
        "a": CheckResult.ok(Message("runs.ok", {"count": 3})),
        "b": CheckResult.fail(Message("split.no_validation", {"train": 1, "test": 2}), fraction=0.5),
        "c": CheckResult.fail(Message("metric.below", {"metric": "accuracy", "value": 0.5, "min": 0.9}), fraction=0.5),
    }
    items = score_items(RUBRIC, results)
    assert [i.points for i in items] == [10.0, 10.0, 0.0]
    assert title_text(items[1], "id") == "Be" and feedback_text(items[1], "id").endswith("Lihat pelajaran 3.")
    assert title_text(items[1], "en") == "B" and "Lihat" not in feedback_text(items[1], "en")
    assert total(items) == (20.0, 40.0)
    assert total(items, visible_only=True) == (20.0, 30.0)


def test_an_item_without_a_result_scores_zero():
    items = score_items(RUBRIC, {})
    assert all(i.points == 0 and not i.passed for i in items)


def test_an_item_without_evidence_is_not_judged_never_passed():
    results = {
        "a": CheckResult.not_judged(Message("runs.no_cells")),
        "b": CheckResult(passed=True, judged=False, messages=(Message("runs.no_cells"),)),
        "c": CheckResult.not_judged(Message("check.crashed", {"error": "KeyError"}), needs_review=True),
    }
    items = score_items(RUBRIC, results)
    assert [(i.points, i.passed, i.judged) for i in items] == [(0.0, False, False)] * 3
    assert [i.needs_review for i in items] == [False, False, True]
