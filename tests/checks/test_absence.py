"""Absent evidence explained: the grading environment's gap, or the student's own omission."""

from __future__ import annotations

from dataclasses import replace

import pytest
from factories import evidence, standard

from grader.checks import run_check
from grader.checks.absence import MESSAGES, absent, gaps_behind
from grader.i18n import catalogue, feedback_text, render
from grader.models.environment import EnvironmentGap
from grader.models.evidence import CellOutput
from grader.models.execution import CellRun
from grader.models.results import CheckResult, Message
from grader.models.rubric import Rubric
from grader.scoring import score_items

from .helpers import codes

IMBLEARN = EnvironmentGap(
    kind="missing_package",
    name="imblearn",
    cell=2,
    error="ModuleNotFoundError: No module named 'imblearn'",
    package="imbalanced-learn",
    affected=(2, 6, 7, 9),
)
SOURCES = {
    1: "import pandas as pd\nimport matplotlib.pyplot as plt",
    2: "from imblearn.over_sampling import SMOTE",
    4: "X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y)",
    5: "model = keras.Sequential([...])\nmodel.compile(optimizer='adam', loss='categorical_crossentropy')",
    6: "X_res, y_res = SMOTE(random_state=42).fit_resample(X_train, y_train)",
    7: "history = model.fit(X_res, y_res, validation_data=(X_val, y_val), epochs=50)",
    9: "plt.plot(history.history['loss'])\nplt.plot(history.history['val_loss'])",
}


def crashed(*gaps: EnvironmentGap, errors: dict[int, str] | None = None):
    """A run whose cells 2, 6, 7 and 9 failed (the import of imblearn, then what depended on it)."""
    errors = errors if errors is not None else {2: gaps[0].error if gaps else "", 6: "NameError", 7: "", 9: ""}
    cells = tuple(
        CellRun(index=i, status="error" if i in errors else "ok", error=errors.get(i) or None) for i in SOURCES
    )
    outputs = tuple(CellOutput(index=i, text="", images=0, source=s) for i, s in SOURCES.items())
    return evidence(cells=cells, outputs=outputs, environment_gaps=gaps)


def test_missing_fit_caused_by_a_missing_package_is_not_judged_and_needs_review() -> None:
    result = run_check("training", crashed(IMBLEARN), {"validation": "required"})
    assert (result.passed, result.judged, result.needs_review) == (False, False, True)
    assert codes(result) == ["environment.not_judged", "environment.missing_package"]
    assert result.evidence["absent"][0] == "absent.no_training"  # the crash cause the gap replaced
    assert result.evidence["environment"][0]["name"] == "imblearn"
    english = " ".join(render(m, "en") for m in result.messages)
    assert "comes from code cell(s) 2, 7, which failed" in english  # the import, and the fit that needed it
    assert "no `imblearn` (pip package imbalanced-learn), imported in code cell 2" in english
    assert "this is not a mistake in your code — tell your instructor" in english
    indonesian = " ".join(render(m, "id") for m in result.messages)
    assert "tidak memiliki `imblearn`" in indonesian and "bukan kesalahan pada kode Anda" in indonesian


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("split", {"require_validation": True}),
        ("leakage", {}),
        ("loss_plot", {}),
        ("tuning", {"min_configs": 3}),
        ("metric", {"metric": "macro_f1", "min": 0.5}),
    ],
)
def test_every_check_explains_its_absent_evidence_by_the_gap(kind: str, params: dict) -> None:
    result = run_check(kind, crashed(IMBLEARN), params)
    assert not result.judged and result.needs_review, kind
    assert "environment.missing_package" in codes(result)


def test_without_a_gap_the_checks_own_verdict_stands() -> None:
    plain = crashed(errors={2: "NameError: name 'pd' is not defined", 7: "NameError: name 'X_res' is not defined"})
    result = run_check("training", plain, {})
    assert codes(result)[0] == "absent.no_training" and not result.needs_review  # the student's own crash
    assert "environment.missing_package" not in codes(result)


def test_a_gap_in_cells_that_produce_other_evidence_explains_nothing() -> None:
    # plotly failed in the last cell: the fit is absent because the student never trained
    plotly = EnvironmentGap("missing_package", "plotly", 9, "ModuleNotFoundError: No module named 'plotly'", "plotly")
    run = replace(crashed(plotly), outputs=(CellOutput(index=9, text="", images=0, source="import plotly.express"),))
    assert gaps_behind(run, "fit") == ()
    result = run_check("training", run, {})
    assert not result.needs_review and "environment.missing_package" not in codes(result)


def test_evidence_that_is_present_is_judged_as_usual() -> None:
    present = replace(standard(), environment_gaps=(IMBLEARN,), outputs=crashed(IMBLEARN).outputs)
    result = run_check("training", present, {"validation": "required"})
    assert result.passed and result.judged and not result.needs_review


def test_absent_keeps_the_verdicts_facts_and_replaces_its_words() -> None:
    verdict = CheckResult.fail(Message("split.no_training"), sizes={"train": None})
    explained = absent(crashed(IMBLEARN), "fit", verdict)
    assert explained.evidence["sizes"] == {"train": None} and explained.evidence["absent"] == ["split.no_training"]
    assert absent(crashed(), "fit", verdict) is verdict


def test_runs_is_not_judged_when_every_failed_cell_is_the_environments() -> None:
    result = run_check("runs", crashed(IMBLEARN), {})
    assert (result.judged, result.needs_review) == (False, True)
    own_typo = {**dict.fromkeys((2, 6, 7, 9), "x"), 5: "NameError: name 'kears' is not defined"}
    mixed = run_check("runs", crashed(IMBLEARN, errors=own_typo), {})
    assert (mixed.judged, mixed.needs_review) == (True, False)
    assert codes(mixed) == ["runs.cell_errors"]


def test_an_explained_item_scores_nothing_is_no_pass_and_needs_review() -> None:
    rubric = Rubric.model_validate(
        {
            "schema": 1,
            "name": "t",
            "title": "t",
            "items": [{"id": "t.training", "title": "Trained", "check": "training", "points": 5}],
        }
    )
    (item,) = score_items(rubric, {"t.training": run_check("training", crashed(IMBLEARN), {})})
    assert (item.points, item.passed, item.judged, item.needs_review) == (0.0, False, False, True)
    assert "the grading environment has no `imblearn`" in feedback_text(item, "en").lower()


def test_removed_api_and_colab_only_gaps_are_named() -> None:
    removed = EnvironmentGap(
        "removed_api", "keras.utils.np_utils", 3, "ImportError: ...", removed_in="Keras 2.13", instead="to_categorical"
    )
    colab = EnvironmentGap("colab_only", "google.colab.userdata", 1, "ModuleNotFoundError: ...")
    assert render(removed.message()) == (
        "`keras.utils.np_utils` (code cell 3) was removed in Keras 2.13, the version the grading environment has; it "
        "may have worked where you wrote it, so this is not counted as your mistake — tell your instructor. "
        "Today's code uses to_categorical."
    )
    assert "only on Google Colab" in render(colab.message())
    assert all(code in catalogue() for code in MESSAGES)
