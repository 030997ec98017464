"""The notebook that loses its model to a missing package in the grader's own environment
(test_environment_gaps.py) grades fully in the ``colab`` environment its student wrote it for:
imbalanced-learn is there, pandas 2's chained ``fillna(inplace=True)`` fills, the model trains and
is re-evaluated by a worker of that same environment."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

NOTEBOOK = EXAMPLES / "hcv" / "imblearn_smote.ipynb"
pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def graded(run_store, hcv_csv, colab_env):
    return run_store.run(NOTEBOOK, rubric="hcv", environment=colab_env)


def test_it_grades_with_no_environment_gap_and_nothing_left_for_review(graded) -> None:
    assert graded.status == "graded"
    assert graded.evidence.environment_gaps == ()
    items = {item.id: item for item in graded.result}
    assert [i for i, item in items.items() if item.needs_review] == []
    assert items["hcv.runs"].passed and items["hcv.training"].passed


def test_its_model_is_re_evaluated_by_a_worker_of_the_colab_environment(graded, colab_env) -> None:
    where = graded.evidence.reevaluated_in
    assert where is not None and where.prefix == str(colab_env.path)
    versions = where.versions()
    assert versions["pandas"] == "2.2.2" and versions["keras"] == "3.8.0"
    assert graded.evidence.measurement("test") is not None
