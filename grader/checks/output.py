"""``output``: a value or printed output matches (e.g. shapes (108, 4)), or a markdown cell
explains what was asked."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator

from ..models.evidence import Evidence
from ..models.results import CheckResult, Message
from . import causes
from .registry import Params, register

MESSAGES: tuple[str, ...] = (
    "output.ok",
    "output.missing",
    "output.pattern_missing",
    "output.no_explanation",
    "absent.no_output",
    *causes.MESSAGES,
)
"""Catalogue codes this check emits."""


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
    fraction = (expected - len(missing) - len(unmatched) - len(unexplained)) / max(1, expected)
    if missing or unmatched:
        # printed results are missing because the cells that print them (the ``source`` cells)
        # failed, or the run stopped: nothing found at all is no verdict; some found keeps
        # its partial credit
        why = causes.absence_causes(evidence, source=params.source, earlier=False)
        if why and fraction == 0:
            return CheckResult.not_judged(Message("absent.no_output"), *messages, *why, **facts)
        messages.extend(why)
    if messages:
        return CheckResult.fail(*messages, fraction=fraction, **facts)
    return CheckResult.ok(Message("output.ok", {"count": expected}), **facts)
