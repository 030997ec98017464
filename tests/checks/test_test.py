"""``test`` on hand-made instructor-test outcomes (the files themselves are run by the evidence
stage; see tests/evidence/test_instructor_tests.py)."""

from __future__ import annotations

from dataclasses import replace

from factories import standard

from grader.checks import run_check
from grader.models.evidence import InstructorTestOutcome

from .helpers import codes

FILE = "/rubrics/extra_tests.py"


def with_outcome(outcome: InstructorTestOutcome):
    return replace(standard(), instructor_tests={outcome.file: outcome})


def test_instructor_test_file():
    outcome = InstructorTestOutcome(
        file=FILE,
        tests=("test_two_models", "test_fails"),
        failures=("test_fails: test set should be 99",),
    )
    result = run_check("test", with_outcome(outcome), {"file": FILE})
    assert not result.passed and result.fraction == 0.5
    assert codes(result) == ["test.failed"]
    assert result.messages[0].params == {"count": 1, "first": "test_fails: test set should be 99"}
    assert result.evidence == {"tests": 2, "failed": ["test_fails: test set should be 99"]}


def test_every_test_passing_is_ok():
    outcome = InstructorTestOutcome(file=FILE, tests=("test_a", "test_b", "test_c"))
    result = run_check("test", with_outcome(outcome), {"file": FILE})
    assert result.passed and codes(result) == ["test.ok"]
    assert result.messages[0].params == {"count": 3}
    assert result.evidence == {"tests": 3, "failed": []}


def test_a_long_failure_is_cut_to_300_characters():
    failure = "test_a: " + "x" * 400
    outcome = InstructorTestOutcome(file=FILE, tests=("test_a",), failures=(failure,))
    result = run_check("test", with_outcome(outcome), {"file": FILE})
    assert result.fraction == 0.0 and result.messages[0].params["first"] == failure[:300]


def test_a_file_without_an_outcome_is_missing():
    result = run_check("test", standard(), {"file": FILE})
    assert not result.passed and codes(result) == ["test.missing_file"]
    assert result.messages[0].params == {"file": FILE}


def test_a_missing_file_is_named_in_full():
    outcome = InstructorTestOutcome(file=FILE, missing=True)
    result = run_check("test", with_outcome(outcome), {"file": FILE})
    assert codes(result) == ["test.missing_file"] and result.messages[0].params == {"file": FILE}


def test_a_file_that_does_not_import_is_broken():
    outcome = InstructorTestOutcome(file=FILE, load_error="ZeroDivisionError: division by zero")
    result = run_check("test", with_outcome(outcome), {"file": FILE})
    assert codes(result) == ["test.broken_file"] and result.fraction == 0.0
    assert result.messages[0].params == {"file": "extra_tests.py", "error": "ZeroDivisionError: division by zero"}


def test_a_file_without_tests_says_so():
    outcome = InstructorTestOutcome(file=FILE)
    result = run_check("test", with_outcome(outcome), {"file": FILE})
    assert codes(result) == ["test.no_tests"] and result.messages[0].params == {"file": "extra_tests.py"}
    assert result.evidence == {"tests": 0, "failed": []}


def test_the_outcome_of_another_file_does_not_count():
    outcome = InstructorTestOutcome(file="/rubrics/other_tests.py", tests=("test_a",))
    assert codes(run_check("test", with_outcome(outcome), {"file": FILE})) == ["test.missing_file"]
