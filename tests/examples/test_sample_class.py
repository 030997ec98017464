"""The quick start's sample class (``examples/sample_class``, the README's first command) is a
small cut of ``submissions_example``: each notebook a byte-identical copy of an example whose
expected grade ``test_examples.py`` checks, across the rubrics, good and flawed, one hostile,
none needing a grading environment to be built (no Colab build in a quick start)."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES, REPO

from grader.intake import collect_submissions
from grader.pipeline import GradeSettings, plan_jobs

SAMPLE = REPO / "examples" / "sample_class"


def _notebooks() -> list[Path]:
    return sorted(SAMPLE.rglob("*.ipynb"))


def test_each_sample_is_an_example_with_its_expected_grade() -> None:
    for notebook in _notebooks():
        relative = notebook.relative_to(SAMPLE)
        original = EXAMPLES / relative
        assert original.read_bytes() == notebook.read_bytes(), relative
        assert original.with_name(f"{notebook.stem}.expected.json").exists(), relative
    assert (SAMPLE / "hostile" / "rubric.yaml").read_bytes() == (EXAMPLES / "hostile" / "rubric.yaml").read_bytes()


def test_the_sample_spans_the_rubrics_good_flawed_and_one_hostile() -> None:
    notebooks = _notebooks()
    assert 10 <= len(notebooks) <= 14
    rubrics = {n.parent.name for n in notebooks}
    assert len(rubrics - {"hostile"}) >= 5
    good = [n for n in notebooks if n.stem.startswith("benar")]
    assert len(good) >= 4 and len(notebooks) - len(good) >= 5
    assert [n.parent.name for n in notebooks].count("hostile") == 1
    assert not (EXAMPLES / "sample_class").exists()  # the examples' own tests must not meet it twice


def test_the_sample_is_graded_without_building_an_environment() -> None:
    def settings_for(rubric) -> GradeSettings:  # noqa: ANN001
        assert rubric.environment is None, rubric.name  # 'colab' would be built first: minutes
        return GradeSettings(rubric)

    jobs = plan_jobs(collect_submissions(SAMPLE), SAMPLE, None, settings_for)
    assert len(jobs) == len(_notebooks())
    assert {job.settings.rubric.name for job in jobs} == {n.parent.name for n in _notebooks()}
