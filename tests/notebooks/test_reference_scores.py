"""Every reference notebook scores 100 % on its own rubric."""

from __future__ import annotations

import pytest
from conftest import REFERENCE, SHARED_DATA, feedback

from grader.rubric.locate import rubric_names


def _reference_of(name: str) -> str:
    from grader.pipeline import rubric_from

    rubric = rubric_from(name)
    assert rubric.reference, f"rubric {name} names no reference"
    return rubric.reference


@pytest.mark.notebook
@pytest.mark.parametrize("name", rubric_names())
def test_reference_scores_full_marks(name: str, run_store) -> None:
    if name == "hcv" and not (SHARED_DATA / "hcvdat0.csv").exists():
        pytest.skip("the HCV reference is graded on the real UCI file (../shared/data/hcvdat0.csv), absent here")
    run = run_store.run(REFERENCE / _reference_of(name), rubric=name)
    failed = {item.id: feedback(item) for item in run.result if not item.passed}
    assert run.status == "graded"
    assert failed == {}
    assert sum(i.points for i in run.result) == sum(i.max_points for i in run.result)
