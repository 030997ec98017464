"""``metric`` on hand-made evidence."""

from __future__ import annotations

from factories import measurement, standard

from grader.checks import run_check

from .helpers import codes


def test_metric_uses_the_grader_measurement():
    assert run_check("metric", standard(), {"min": 0.8}).passed
    assert codes(run_check("metric", standard(), {"min": 0.95})) == ["metric.below"]


def test_metric_names_a_one_class_model_and_the_baseline():
    lazy = measurement(accuracy=0.87, macro_f1=0.23, predicted=1, majority=0.87)
    result = run_check("metric", standard(measurements=(lazy,)), {"min": 0.5, "above_baseline": 0.02})
    assert codes(result) == ["metric.one_class", "metric.not_above_baseline"]
    assert result.fraction == 0.0


def test_metric_without_measurement_says_why():
    ev = standard(measurements=(), reevaluation_problem="the final model could not be exported from the notebook")
    result = run_check("metric", ev, {"min": 0.5})
    assert codes(result) == ["metric.not_measured"] and "exported" in result.messages[0].params["reason"]
