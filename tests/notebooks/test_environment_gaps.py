"""submissions_example/hcv/imblearn_smote.ipynb in an environment without imbalanced-learn: the
missing package is named, the items it kept from being judged need review, and the student's
other work is judged as usual.  (Its item verdicts are in imblearn_smote.expected.json.)"""

from __future__ import annotations

import importlib.util

import pytest
from conftest import EXAMPLES, feedback

NOTEBOOK = EXAMPLES / "hcv" / "imblearn_smote.ipynb"
pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def run(run_store, hcv_csv):
    """The example graded with the hcv rubric (once per session, shared with test_examples)."""
    if importlib.util.find_spec("imblearn") is not None:
        pytest.skip("imbalanced-learn is installed here: there is no environment gap to report")
    return run_store.run(NOTEBOOK, rubric="hcv")


def test_the_missing_package_is_found_with_the_cells_that_failed_because_of_it(run) -> None:
    (gap,) = run.evidence.environment_gaps
    assert (gap.kind, gap.name, gap.package, gap.cell) == ("missing_package", "imblearn", "imbalanced-learn", 2)
    assert gap.affected == (2, 7, 10, 11, 12)  # SMOTE, the tuning loop, the final fit, the loss plot


def test_items_it_kept_from_being_judged_need_review_and_name_the_package(run) -> None:
    items = {item.id: item for item in run.result}
    review = {i for i, item in items.items() if item.needs_review}
    # every item that needs a trained model: the gap kept any model from training
    assert review == {
        "hcv.runs",
        "hcv.leakage",
        "hcv.training",
        "hcv.tuning",
        "hcv.loss_plot",
        "hcv.confusion",
        "hcv.quality",
    }
    for item_id in review:
        item = items[item_id]
        assert (item.passed, item.judged, item.points) == (False, False, 0.0)
        text = feedback(item)
        assert "no `imblearn` (pip package imbalanced-learn)" in text, text
        assert "not a mistake in your code" in text
        assert "tidak memiliki `imblearn`" in feedback(item, "id")
    assert "comes from code cell(s) " in feedback(items["hcv.training"])


def test_the_students_other_work_is_judged_as_usual(run) -> None:
    items = {item.id: item for item in run.result}
    for item_id in ("hcv.split", "hcv.architecture", "hcv.compile"):
        assert items[item_id].passed and items[item_id].judged and not items[item_id].needs_review
