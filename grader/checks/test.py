"""``test``: an instructor's pytest-style file passes against the notebook's evidence.

The file itself is imported and run by the evidence stage
(``grader.evidence.instructor_tests.run_instructor_tests``); this check only reads the outcome
recorded for it in ``evidence.instructor_tests``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..models.evidence import Evidence
from ..models.results import CheckResult, Message
from .registry import Params, register

MESSAGES: tuple[str, ...] = (
    "test.ok",
    "test.failed",
    "test.missing_file",
    "test.broken_file",
    "test.no_tests",
)
"""Catalogue codes this check emits."""


class TestParams(Params):
    """Parameters of ``test``."""

    file: str
    """A Python file of ``test_*`` functions taking ``evidence`` (relative to the rubric)."""


@register("test", TestParams)
def check_test(evidence: Evidence, params: TestParams) -> CheckResult:
    """An instructor's test file passes against the notebook's evidence."""
    path = Path(params.file)
    outcome = evidence.instructor_tests.get(str(path))
    # the instructor's file is missing or broken: no verdict on the student, a person should look
    if outcome is None or outcome.missing:
        return CheckResult.not_judged(Message("test.missing_file", {"file": str(path)}), needs_review=True)
    if outcome.load_error is not None:
        return CheckResult.not_judged(
            Message("test.broken_file", {"file": path.name, "error": outcome.load_error}), needs_review=True
        )
    tests = len(outcome.tests)
    failures = list(outcome.failures)
    facts: dict[str, Any] = {"tests": tests, "failed": failures}
    if not tests:
        return CheckResult.not_judged(Message("test.no_tests", {"file": path.name}), needs_review=True, **facts)
    if failures:
        return CheckResult.fail(
            Message("test.failed", {"count": len(failures), "first": failures[0][:300]}),
            fraction=(tests - len(failures)) / tests,
            **facts,
        )
    return CheckResult.ok(Message("test.ok", {"count": tests}), **facts)
