"""run_instructor_tests: instructor test files imported and run against the evidence."""

from __future__ import annotations

from dataclasses import replace

from factories import standard

from grader.checks import run_check
from grader.evidence.instructor_tests import run_instructor_tests
from grader.models.evidence import InstructorTestOutcome


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_passing_file(tmp_path):
    path = write(
        tmp_path,
        "passing_tests.py",
        "def test_has_a_model(evidence):\n    assert len(evidence.models) >= 1\n"
        "def test_without_evidence():\n    assert 1 + 1 == 2\n"
        "def helper():\n    raise RuntimeError('not a test')\n"
        "test_value = 3\n",
    )
    ev = run_instructor_tests(standard(), [path])
    outcome = ev.instructor_tests[str(path)]
    assert outcome == InstructorTestOutcome(file=str(path), tests=("test_has_a_model", "test_without_evidence"))
    assert run_check("test", ev, {"file": str(path)}).passed


def test_a_failing_assertion_and_an_error(tmp_path):
    path = write(
        tmp_path,
        "extra_tests.py",
        "def test_two_models(evidence):\n    assert len(evidence.models) >= 1\n"
        "def test_fails(evidence):\n    assert evidence.roles.test.n == 99, 'test set should be 99'\n"
        "def test_raises():\n    raise KeyError('loss')\n",
    )
    outcome = run_instructor_tests(standard(), [str(path)]).instructor_tests[str(path)]
    assert outcome.tests == ("test_two_models", "test_fails", "test_raises")
    assert outcome.failures == ("test_fails: test set should be 99", "test_raises: KeyError: 'loss'")
    assert outcome.load_error is None and not outcome.missing


def test_the_test_check_reads_what_was_run(tmp_path):
    """The former end-to-end test of the ``test`` check, now through the evidence stage."""
    path = write(
        tmp_path,
        "extra_tests.py",
        "def test_two_models(evidence):\n    assert len(evidence.models) >= 1\n"
        "def test_fails(evidence):\n    assert evidence.roles.test.n == 99, 'test set should be 99'\n",
    )
    ev = run_instructor_tests(standard(), [path])
    result = run_check("test", ev, {"file": str(path)})
    assert not result.passed and result.fraction == 0.5
    assert "test set should be 99" in result.messages[0].params["first"]


def test_a_file_that_raises_on_import(tmp_path):
    path = write(tmp_path, "broken_tests.py", "import math\nVALUE = 1 / 0\ndef test_never_run():\n    pass\n")
    ev = run_instructor_tests(standard(), [path])
    outcome = ev.instructor_tests[str(path)]
    assert outcome.load_error == "ZeroDivisionError: division by zero"
    assert outcome.tests == () and outcome.failures == ()
    result = run_check("test", ev, {"file": str(path)})
    assert [m.code for m in result.messages] == ["test.broken_file"]
    assert result.messages[0].params == {"file": "broken_tests.py", "error": "ZeroDivisionError: division by zero"}


def test_a_missing_file(tmp_path):
    path = tmp_path / "nowhere_tests.py"
    ev = run_instructor_tests(standard(), [path])
    assert ev.instructor_tests[str(path)] == InstructorTestOutcome(file=str(path), missing=True)
    result = run_check("test", ev, {"file": str(path)})
    assert [m.code for m in result.messages] == ["test.missing_file"]
    assert result.messages[0].params == {"file": str(path)}


def test_a_folder_or_a_file_that_is_not_python_is_missing(tmp_path):
    notes = write(tmp_path, "notes.txt", "def test_a():\n    pass\n")
    ev = run_instructor_tests(standard(), [tmp_path, notes])
    assert ev.instructor_tests[str(tmp_path)].missing
    assert ev.instructor_tests[str(notes)].missing


def test_a_file_without_tests(tmp_path):
    path = write(tmp_path, "empty_tests.py", "def check_something(evidence):\n    assert False\n")
    ev = run_instructor_tests(standard(), [path])
    assert ev.instructor_tests[str(path)] == InstructorTestOutcome(file=str(path))
    result = run_check("test", ev, {"file": str(path)})
    assert [m.code for m in result.messages] == ["test.no_tests"]
    assert result.evidence == {"tests": 0, "failed": []}


def test_several_files_keep_earlier_outcomes_and_run_each_once(tmp_path):
    counter = tmp_path / "count.txt"
    path = write(
        tmp_path,
        "counting_tests.py",
        f"from pathlib import Path\nP = Path({str(counter)!r})\n"
        "def test_count():\n    P.write_text(P.read_text() + 'x' if P.exists() else 'x')\n",
    )
    other = write(tmp_path, "other_tests.py", "def test_ok():\n    pass\n")
    earlier = InstructorTestOutcome(file="/somewhere/else.py", tests=("test_a",))
    ev = replace(standard(), instructor_tests={earlier.file: earlier})
    ev = run_instructor_tests(ev, [path, str(path), other])
    assert set(ev.instructor_tests) == {earlier.file, str(path), str(other)}
    assert counter.read_text() == "x"


def test_no_files_leaves_the_evidence_alone():
    ev = standard()
    assert run_instructor_tests(ev, []).instructor_tests == {}
