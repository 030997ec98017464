"""The environment a notebook ran in: in the result JSON (both ways), the report's footer,
the run's cache key, and a rubric's ``environment`` field resolved against its folder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from report.factories import make_result

from grader.environments import BuiltEnv, own_environment
from grader.export.results_file import result_from_json, result_to_json
from grader.models.environment import GradingEnvironment
from grader.pipeline import GradeSettings, environment_for, rubric_from
from grader.pipeline.grade import _run_settings
from grader.report import render_submission_html

COLAB = GradingEnvironment("colab", "0123456789ab", {"python": "3.11.13", "pandas": "2.2.2", "keras": "3.8.0"})


def test_result_json_carries_the_environment_and_reads_it_back() -> None:
    result = replace(make_result(), environment=COLAB)
    data = result_to_json(result)
    assert data["environment"] == {"name": "colab", "spec_hash": "0123456789ab", "packages": COLAB.packages}
    assert result_from_json(data).environment == COLAB
    older = {k: v for k, v in data.items() if k != "environment"}
    assert result_from_json(older).environment is None


def test_report_footer_names_the_environment_in_both_languages() -> None:
    html = render_submission_html(replace(make_result(), environment=COLAB), None)
    assert "Graded in the environment colab (spec 0123456789ab): python 3.11.13, pandas 2.2.2, keras 3.8.0" in html
    html_id = render_submission_html(replace(make_result(), environment=COLAB), None, lang="id")
    assert "Dinilai di lingkungan colab" in html_id
    own = render_submission_html(replace(make_result(), environment=own_environment()), None)
    assert "own environment: python " in own


def test_own_environment_names_the_grader_versions() -> None:
    import numpy

    own = own_environment()
    assert own.name == "own" and own.spec_hash is None and own.packages["numpy"] == numpy.__version__


def test_the_environment_is_part_of_a_run_cache_key(tmp_path: Path) -> None:
    rubric = rubric_from("perceptron")
    plain = _run_settings(GradeSettings(rubric))
    env = BuiltEnv(tmp_path, COLAB)
    assert plain["environment"] is None
    assert _run_settings(GradeSettings(rubric, environment=env))["environment"] == "0123456789ab"


def test_a_rubric_names_its_environment_relative_to_its_folder(tmp_path: Path) -> None:
    source = Path(rubric_from.__code__.co_filename).parents[2] / "rubrics" / "perceptron.yaml"
    text = source.read_text(encoding="utf-8").replace(
        "name: perceptron", "name: perceptron\nenvironment: course.txt", 1
    )
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    rubric = rubric_from(str(tmp_path / "r.yaml"))
    assert rubric.environment == str(tmp_path / "course.txt")
    assert environment_for(rubric_from("perceptron"), None) is None  # nothing named: the grader's own
    assert environment_for(rubric, "own") is None  # --env own overrides the rubric's


def test_a_reevaluation_with_other_versions_than_recorded_measures_nothing() -> None:
    from synthetic import tuning_notebook

    from grader.models.evidence import Measurement, ReevaluatedIn, SavedModelCheck
    from grader.pipeline.reevaluation import same_environment

    measured = Measurement("m1", "test", 10, 0.9, 0.9, ((5, 0), (1, 4)), ("0", "1"), 2, 0.5, "labels")
    saved = SavedModelCheck(path="m.keras", format="keras", loads=True, agreement=1.0)
    evidence = replace(tuning_notebook(2, 10), measurements=(measured,), saved_models=(saved,))
    same = ReevaluatedIn("/envs/colab/bin/python", "/envs/colab", (("keras", "3.8.0"), ("python", "3.11.13")))
    assert same_environment(replace(evidence, reevaluated_in=same), COLAB).measurements == (measured,)
    other = ReevaluatedIn("/venv/bin/python", "/venv", (("keras", "3.15.1"), ("python", "3.11.13")))
    moved = same_environment(replace(evidence, reevaluated_in=other), COLAB)
    assert moved.measurements == ()
    assert "keras 3.15.1 (recorded 3.8.0)" in (moved.reevaluation_problem or "")
    assert [(s.loads, s.judged) for s in moved.saved_models] == [(True, False)]
