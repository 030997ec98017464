"""``split`` on hand-made evidence."""

from __future__ import annotations

from dataclasses import replace

from factories import evidence, measurement, rows, standard

from grader.checks import run_check
from grader.models.evidence import SplitRecord

from .helpers import codes


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

    skewed = measurement(confusion=((10, 0, 0), (0, 3, 0), (0, 0, 2)))
    ev = standard(measurements=(skewed,))
    result = run_check("split", ev, {"stratified": True})
    assert codes(result) == ["split.not_stratified"]


def test_split_without_training_or_test_rows_fails_clearly():
    assert codes(run_check("split", evidence(), {})) == ["split.no_training"]
    ev = standard()
    ev = replace(ev, roles=replace(ev.roles, test=None))
    assert codes(run_check("split", ev, {})) == ["split.no_test"]


def test_rows_factory_makes_distinct_sets():
    assert rows(3, 0).exact.tolist() != rows(3, 10).exact.tolist()
