"""``output`` and ``test``: printed values, and an instructor's own test functions."""

from __future__ import annotations

import importlib.util
import inspect
import re
import traceback
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from ..models.evidence import Evidence
from ..models.results import CheckResult, Message
from .registry import Params, register


class OutputParams(Params):
    """Parameters of ``output``."""

    contains: list[str] = Field(default_factory=list)
    """Texts that must each appear in some cell's output (whitespace-insensitive)."""
    regex: list[str] = Field(default_factory=list)
    markdown: list[str] = Field(default_factory=list)
    """Regular expressions that must each match some markdown cell (an explanation)."""
    cell: int | None = None
    """Only look at this cell's output."""
    source: str | None = None
    """Only look at the output of cells whose code matches this regular expression
    (e.g. ``SimpleRNN`` - the cell that compares with Keras)."""

    @field_validator("source")
    @classmethod
    def _source_compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            cls._compiles([pattern])
        return pattern

    @field_validator("regex", "markdown")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
        return patterns


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@register("output", OutputParams)
def check_output(evidence: Evidence, params: OutputParams) -> CheckResult:
    """A value or printed output matches (e.g. the shapes (108, 4))."""
    outputs = [
        o
        for o in evidence.outputs
        if (params.cell is None or o.index == params.cell)
        and (params.source is None or re.search(params.source, o.source) is not None)
    ]
    text = _squash("\n".join(o.text for o in outputs))
    missing = [c for c in params.contains if _squash(c) not in text]
    unmatched = [p for p in params.regex if re.search(p, text) is None]
    prose = _squash("\n".join(evidence.markdown))
    unexplained = [p for p in params.markdown if re.search(p, prose) is None]
    expected = len(params.contains) + len(params.regex) + len(params.markdown)
    facts: dict[str, Any] = {
        "missing": missing,
        "unmatched_patterns": unmatched,
        "unexplained": unexplained,
        "expected": expected,
    }
    messages = []
    if missing:
        messages.append(Message("output.missing", {"missing": missing}))
    if unmatched:
        messages.append(Message("output.pattern_missing", {"count": len(unmatched)}))
    if unexplained:
        messages.append(Message("output.no_explanation", {"missing": unexplained}))
    if messages:
        return CheckResult.fail(
            *messages,
            fraction=(expected - len(missing) - len(unmatched) - len(unexplained)) / max(1, expected),
            **facts,
        )
    return CheckResult.ok(Message("output.ok", {"count": expected}), **facts)


class TestParams(Params):
    """Parameters of ``test``."""

    file: str
    """A Python file of ``test_*`` functions taking ``evidence`` (relative to the rubric)."""


@register("test", TestParams)
def check_test(evidence: Evidence, params: TestParams) -> CheckResult:
    """An instructor's test file passes against the notebook's evidence."""
    path = Path(params.file)
    spec = importlib.util.spec_from_file_location(f"grader_instructor_{path.stem}", path)
    if spec is None or spec.loader is None or not path.is_file():
        return CheckResult.fail(Message("test.missing_file", {"file": str(path)}))
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        return CheckResult.fail(
            Message("test.broken_file", {"file": path.name, "error": f"{type(exc).__name__}: {exc}"})
        )
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
    facts: dict[str, Any] = {"tests": len(tests), "failed": failures}
    if not tests:
        return CheckResult.fail(Message("test.no_tests", {"file": path.name}), **facts)
    if failures:
        return CheckResult.fail(
            Message("test.failed", {"count": len(failures), "first": failures[0][:300]}),
            fraction=(len(tests) - len(failures)) / len(tests),
            **facts,
        )
    return CheckResult.ok(Message("test.ok", {"count": len(tests)}), **facts)
