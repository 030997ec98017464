"""``leakage`` on hand-made evidence."""

from __future__ import annotations

from dataclasses import replace

from factories import evidence, standard

from grader.checks import run_check

from .helpers import codes


def test_leakage_passes_only_with_positive_evidence():
    assert run_check("leakage", standard(), {}).passed
    assert codes(run_check("leakage", evidence(), {})) == ["leakage.cannot_tell"]


def test_leakage_names_a_scaler_fitted_before_the_split():
    ev = standard()
    leak = "StandardScaler.fit_transform in cell 2 learned from all 150 rows before the data was split"
    ev = replace(ev, roles=replace(ev.roles, leaks=(leak,)))
    result = run_check("leakage", ev, {})
    assert not result.passed and result.messages[0].params["detail"] == leak


def test_leakage_names_every_leak_and_gives_the_advice_once():
    ev = standard()
    leaks = (
        "DataFrame.fillna with the column mean in cell 3 learned from all 615 rows before the data was split",
        "StandardScaler.fit_transform in cell 4 learned from 93 of the 93 test rows",
    )
    ev = replace(ev, roles=replace(ev.roles, leaks=leaks))
    result = run_check("leakage", ev, {})
    assert codes(result) == ["leakage.preprocessing"]
    assert all(leak in result.messages[0].params["detail"] for leak in leaks)


def test_leakage_fails_when_the_test_set_was_validation_data():
    ev = standard()
    ev = replace(ev, roles=replace(ev.roles, test_is_validation=True))
    assert codes(run_check("leakage", ev, {})) == ["leakage.test_as_validation"]
    assert run_check("leakage", ev, {"validation_not_test": False}).passed
