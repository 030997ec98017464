"""runs, split and leakage on hand-made evidence."""

from __future__ import annotations

from dataclasses import replace

from factories import evidence, rows, standard

from grader.checks import run_check
from grader.models.evidence import SplitRecord
from grader.models.execution import CellRun


def codes(result):
    return [m.code for m in result.messages]


def test_runs_passes_when_every_cell_is_ok():
    assert run_check("runs", evidence(), {}).passed


def test_runs_fails_with_partial_credit_on_a_cell_error():
    ev = evidence(cells=(CellRun(0, "ok"), CellRun(1, "error", "NameError: name 'history1' is not defined")))
    result = run_check("runs", ev, {})
    assert not result.passed and result.fraction == 0.5
    assert codes(result) == ["runs.cell_errors"]
    assert result.messages[0].params["error"].startswith("NameError")


def test_runs_tolerates_errors_when_the_rubric_allows():
    ev = evidence(cells=(CellRun(0, "ok"), CellRun(1, "error", "ValueError: x")))
    assert run_check("runs", ev, {"max_errors": 1}).passed


def test_a_dead_kernel_fails_runs_even_if_cells_before_were_ok():
    ev = evidence(
        status="kernel_died",
        reason="the kernel exited with status 1",
        cells=(CellRun(0, "ok"), CellRun(1, "not_run", "the kernel died"), CellRun(2, "not_run")),
    )
    result = run_check("runs", ev, {"max_errors": 5})
    assert not result.passed and "runs.kernel_died" in codes(result)


def test_split_passes_with_the_expected_sizes():
    result = run_check("split", standard(), {"sizes": {"train": 108, "validation": 27, "test": 15}})
    assert result.passed, result.messages


def test_split_names_a_two_way_split():
    ev = standard()
    ev = replace(ev, roles=replace(ev.roles, validation=None, validation_mode="none"))
    result = run_check("split", ev, {})
    assert not result.passed and codes(result) == ["split.no_validation"]


def test_split_reports_test_used_as_validation():
    ev = standard()
    ev = replace(ev, roles=replace(ev.roles, validation=ev.roles.test, test_is_validation=True))
    result = run_check("split", ev, {})
    assert codes(result) == ["split.test_is_validation"]


def test_split_checks_ratios_against_all_rows():
    result = run_check("split", standard(), {"ratios": {"train": 0.5, "test": 0.1}, "tolerance": 0.02})
    assert not result.passed
    assert [m.params["role"].code for m in result.messages] == ["role.train"]


def test_split_detects_shared_rows():
    ev = standard()
    ev = replace(ev, roles=replace(ev.roles, overlaps={"train_test": 4, "train_validation": 0, "validation_test": 0}))
    result = run_check("split", ev, {})
    assert codes(result) == ["split.overlap"] and result.messages[0].params["count"] == 4


def test_stratified_split_accepted_from_the_split_call():
    ev = standard(splits=(SplitRecord(seq=1, cell=1, func="train_test_split", inputs=(), outputs=(), stratify=True),))
    assert run_check("split", ev, {"stratified": True}).passed


def test_unstratified_split_with_skewed_test_classes_fails():
    from factories import measurement

    skewed = measurement(confusion=((10, 0, 0), (0, 3, 0), (0, 0, 2)))
    ev = standard(measurements=(skewed,))
    result = run_check("split", ev, {"stratified": True})
    assert codes(result) == ["split.not_stratified"]


def test_split_without_training_or_test_rows_fails_clearly():
    assert codes(run_check("split", evidence(), {})) == ["split.no_training"]
    ev = standard()
    ev = replace(ev, roles=replace(ev.roles, test=None))
    assert codes(run_check("split", ev, {})) == ["split.no_test"]


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
    leaks = ("DataFrame.fillna with the column mean in cell 3 learned from all 615 rows before the data was split",
             "StandardScaler.fit_transform in cell 4 learned from 93 of the 93 test rows")
    ev = replace(ev, roles=replace(ev.roles, leaks=leaks))
    result = run_check("leakage", ev, {})
    assert codes(result) == ["leakage.preprocessing"]
    assert all(leak in result.messages[0].params["detail"] for leak in leaks)


def test_leakage_fails_when_the_test_set_was_validation_data():
    ev = standard()
    ev = replace(ev, roles=replace(ev.roles, test_is_validation=True))
    assert codes(run_check("leakage", ev, {})) == ["leakage.test_as_validation"]
    assert run_check("leakage", ev, {"validation_not_test": False}).passed


def test_rows_factory_makes_distinct_sets():
    assert rows(3, 0).exact.tolist() != rows(3, 10).exact.tolist()
