"""Instructor test files: pytest-style ``test_*`` functions run against a notebook's evidence.

The rubric's ``test`` items name the files; this stage imports each one and runs its tests, so
that the ``test`` check only reads the recorded :class:`InstructorTestOutcome` and stays pure.
"""

from __future__ import annotations

import importlib.util
import inspect
import traceback
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..models.evidence import Evidence, InstructorTestOutcome

__all__ = ["run_instructor_tests", "run_test_file"]


def run_test_file(evidence: Evidence, file: str | Path) -> InstructorTestOutcome:
    """Import ``file`` and run every ``test_*`` function in it against ``evidence``.

    A function with an ``evidence`` parameter is called as ``function(evidence=evidence)``, any
    other with no arguments.  A failed assertion or any other exception fails that test only.
    """
    path = Path(file)
    key = str(path)
    spec = importlib.util.spec_from_file_location(f"grader_instructor_{path.stem}", path)
    if spec is None or spec.loader is None or not path.is_file():
        return InstructorTestOutcome(file=key, missing=True)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        return InstructorTestOutcome(file=key, load_error=f"{type(exc).__name__}: {exc}")
    tests = [(n, f) for n, f in vars(module).items() if n.startswith("test_") and callable(f)]
    failures = []
    for name, function in tests:
        try:
            if "evidence" in inspect.signature(function).parameters:
                function(evidence=evidence)
            else:
                function()
        except AssertionError as exc:
            failures.append(f"{name}: {exc or 'assertion failed'}")
        except Exception as exc:
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            traceback.clear_frames(exc.__traceback__)
    return InstructorTestOutcome(file=key, tests=tuple(n for n, _ in tests), failures=tuple(failures))


def run_instructor_tests(evidence: Evidence, files: Sequence[str | Path]) -> Evidence:
    """``evidence`` with the outcome of each instructor test file added to ``instructor_tests``,
    keyed by ``str(Path(file))`` (the key the ``test`` check looks up for its ``file``)."""
    outcomes = dict(evidence.instructor_tests)
    for file in dict.fromkeys(str(Path(f)) for f in files):
        outcomes[file] = run_test_file(evidence, file)
    return replace(evidence, instructor_tests=outcomes)
