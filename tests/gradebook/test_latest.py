"""Which of a student's submissions counts."""

from __future__ import annotations

from datetime import datetime

from grader.gradebook import SubmissionInfo, superseded


def _info(student: str | None, mtime: float, lms: datetime | None = None, name: str = "x") -> SubmissionInfo:
    return SubmissionInfo(name, name, student, "h" * 64, lms_timestamp=lms, file_mtime=mtime)


def test_the_latest_file_of_a_student_counts() -> None:
    entries = [("a1", "p", _info("111", 10.0)), ("b", "p", _info("222", 5.0)), ("a2", "p", _info("111", 20.0))]
    assert superseded(entries) == {"a1"}
    assert superseded(list(reversed(entries))) == {"a1"}


def test_the_lms_time_beats_the_file_time() -> None:
    early_lms = datetime(2026, 11, 1, 8, 0)
    late_lms = datetime(2026, 11, 2, 8, 0)
    entries = [("old", "p", _info("111", 99.0, early_lms)), ("new", "p", _info("111", 1.0, late_lms))]
    assert superseded(entries) == {"old"}
    # a file time never beats an LMS time, however late the copy was made
    assert superseded([("lms", "p", _info("111", 1.0, early_lms)), ("copy", "p", _info("111", 1e12))]) == {"copy"}


def test_other_rubrics_and_unknown_students_are_never_superseded() -> None:
    entries = [
        ("perceptron", "perceptron", _info("111", 1.0)),
        ("activations", "activations", _info("111", 2.0)),
        ("anon1", "p", _info(None, 1.0)),
        ("anon2", "p", _info(None, 2.0)),
    ]
    assert superseded(entries) == set()


def test_a_tie_goes_to_the_one_listed_last() -> None:
    assert superseded([("first", "p", _info("111", 5.0)), ("second", "p", _info("111", 5.0))]) == {"first"}
