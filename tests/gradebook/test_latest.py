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


def test_lms_times_are_kept_in_utc_whatever_zone_the_lms_said(monkeypatch) -> None:
    import time
    from datetime import UTC, timedelta, timezone
    from pathlib import Path
    from types import SimpleNamespace

    from grader.models.submission import Submission
    from grader.pipeline.classrun import submission_info

    monkeypatch.setenv("TZ", "America/New_York")  # the grader's machine in yet another zone
    time.tzset()
    wib = timezone(timedelta(hours=7))
    # 09:00 in Jakarta is 02:00 UTC: earlier than 03:00 UTC, though its wall-clock hour is later
    jakarta = Submission(Path("missing.ipynb"), "a", "111", submitted_at=datetime(2026, 11, 2, 9, 0, tzinfo=wib))
    utc = Submission(Path("missing.ipynb"), "b", "111", submitted_at=datetime(2026, 11, 2, 3, 0, tzinfo=UTC))
    infos = [submission_info(SimpleNamespace(submission=s, stem=s.display)) for s in (jakarta, utc)]  # type: ignore[arg-type]
    assert infos[0].lms_timestamp == datetime(2026, 11, 2, 2, 0)  # naive UTC: SQL DATETIME keeps no zone
    assert superseded([("jakarta", "p", infos[0]), ("utc", "p", infos[1])]) == {"jakarta"}
    assert superseded([("utc", "p", infos[1]), ("jakarta", "p", infos[0])]) == {"jakarta"}
    monkeypatch.undo()
    time.tzset()
