"""``figure``: a figure with the asked lines, labels or images was drawn."""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic import Field

from ..models.evidence import AxesRecord, Evidence, FigureRecord
from ..models.results import CheckResult, Message
from . import causes
from .absence import absent
from .registry import Params, register

MESSAGES: tuple[str, ...] = (
    "figure.ok",
    "figure.too_few",
    "figure.too_few_lines",
    "figure.too_few_falling_lines",
    "figure.too_few_axes",
    "figure.missing_words",
    "absent.no_figure",
    *causes.MESSAGES,
)
"""Catalogue codes this check emits."""


class FigureParams(Params):
    """Parameters of ``figure`` (an extension of the contract's kinds: any figure requirement)."""

    min_figures: int = 1
    min_lines: int = 0
    """Lines that must share one Axes."""
    min_axes: int = 0
    """Axes that must share one figure (subplots)."""
    words: list[str] = Field(default_factory=list)
    """Each a word (or ``a|b`` alternatives, a regular expression) that must appear in the
    titles, axis labels or legends, in any case."""
    same_figure: bool = False
    """The lines, axes and words must all be in one figure (e.g. three loss curves in one plot)."""
    decreasing: bool = False
    """Only lines whose last value is below their first count (loss curves that go down)."""


def _figure_text(figure: FigureRecord) -> str:
    parts = [figure.suptitle, *figure.legend]
    for ax in figure.axes:
        parts += [ax.title, ax.xlabel, ax.ylabel, *ax.legend, *(ln.label for ln in ax.lines)]
    return " ".join(parts)


def _counted_lines(ax: AxesRecord, decreasing: bool) -> int:
    if not decreasing:
        return len(ax.lines)
    count = 0
    for line in ax.lines:
        values = [v for v in line.y if v is not None and math.isfinite(v)]
        if len(values) >= 2 and values[-1] < values[0]:
            count += 1
    return count


def _figure_problems(figures: tuple[FigureRecord, ...], params: FigureParams) -> tuple[list[Message], dict[str, Any]]:
    text = " ".join(_figure_text(f) for f in figures)
    most_lines = max((_counted_lines(a, params.decreasing) for f in figures for a in f.axes), default=0)
    most_axes = max((len(f.axes) for f in figures), default=0)
    facts: dict[str, Any] = {"figures": len(figures), "most_lines": most_lines, "most_axes": most_axes}
    problems = []
    if len(figures) < params.min_figures:
        problems.append(Message("figure.too_few", {"found": len(figures), "expected": params.min_figures}))
    if most_lines < params.min_lines:
        code = "figure.too_few_falling_lines" if params.decreasing else "figure.too_few_lines"
        problems.append(Message(code, {"found": most_lines, "expected": params.min_lines}))
    if most_axes < params.min_axes:
        problems.append(Message("figure.too_few_axes", {"found": most_axes, "expected": params.min_axes}))
    missing = [w for w in params.words if re.search(w, text, re.IGNORECASE) is None]
    if missing:
        problems.append(Message("figure.missing_words", {"words": missing}))
    return problems, facts


@register("figure", FigureParams)
def check_figure(evidence: Evidence, params: FigureParams) -> CheckResult:
    """The notebook drew the figures the exercise asks for."""
    figures = evidence.figures
    if not figures:
        why = causes.absence_causes(evidence, source=causes.PLOT_SOURCE)
        if why:  # the notebook crashed before it drew anything
            return absent(evidence, "figure", CheckResult.not_judged(Message("absent.no_figure"), *why))
    if params.same_figure and figures:
        best: tuple[list[Message], dict[str, Any]] | None = None
        for figure in figures:
            problems, facts = _figure_problems((figure,), params.model_copy(update={"min_figures": 1}))
            if not problems:
                return CheckResult.ok(Message("figure.ok", {"count": 1}), cell=figure.cell, **facts)
            if best is None or len(problems) < len(best[0]):
                best = (problems, facts)
        assert best is not None
        return CheckResult.fail(*best[0], **best[1])
    problems, facts = _figure_problems(figures, params)
    if problems and not figures:
        return absent(evidence, "figure", CheckResult.fail(*problems, **facts))
    if problems:
        return CheckResult.fail(*problems, **facts)
    return CheckResult.ok(Message("figure.ok", {"count": len(figures)}), **facts)
