"""Explaining absent evidence: was it the student, or the grading environment?

Every check that finds the evidence it needs absent (no fit, no figure, no measurement) passes
its own verdict for that case through :func:`absent`, naming what it needed.  When a cell that
would have produced that evidence failed because of an environment gap (a package the grading
environment lacks, an API its library versions removed, a Colab-only feature; see
``Evidence.environment_gaps``), the item is not judged and needs review, and its feedback names
the gap instead of blaming the student.  Otherwise the check's own verdict stands unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..models.environment import EnvironmentGap
from ..models.evidence import Evidence
from ..models.results import CheckResult, Message

MESSAGES: tuple[str, ...] = (
    "environment.not_judged",
    "environment.missing_package",
    "environment.removed_api",
    "environment.colab_only",
)
"""Catalogue codes this module emits for any check (the gap's own via ``EnvironmentGap.message``)."""

_FIT = r"\.fit(?:_generator)?\s*\(|\.partial_fit\s*\("
_MODEL = r"Sequential\s*\(|\bModel\s*\(|MLP(?:Classifier|Regressor)\s*\(|\.add\s*\("
_PREDICT = r"\.predict\w*\s*\(|\.evaluate\s*\(|\.score\s*\("
NEEDS: dict[str, re.Pattern[str]] = {
    "fit": re.compile(_FIT),
    "model": re.compile(f"{_MODEL}|{_FIT}"),
    "compile": re.compile(r"\.compile\s*\("),
    "predict": re.compile(f"{_PREDICT}|{_FIT}"),
    "figure": re.compile(r"\bplt\.|\.plot\w*\s*\(|\bsns\.|Display\b|imshow\s*\(|heatmap\s*\("),
    "loss_plot": re.compile(r"history|loss_curve_|\bloss\b|val_loss"),
    "confusion": re.compile(r"confusion|crosstab|heatmap\s*\("),
    "save": re.compile(r"\.save\w*\s*\(|save_model\s*\(|\bdump\s*\("),
}
"""What each kind of evidence comes from, in a cell's source: a gap that made such a cell fail
explains the absence.  (Finding a cell, not grading it: a loose pattern costs a review, never points.)"""


def _cells_of(gap: EnvironmentGap) -> tuple[int, ...]:
    return gap.affected or (gap.cell,)


def _needing_cells(evidence: Evidence, gaps: Sequence[EnvironmentGap], need: str | None) -> list[int]:
    """The failed cells of ``gaps`` that ``need`` comes from (all of them for None), the gaps' own first."""
    pattern = NEEDS[need] if need is not None else None
    sources = {o.index: o.source for o in evidence.outputs}
    cells = {g.cell for g in gaps}
    cells |= {c for g in gaps for c in _cells_of(g) if pattern is None or pattern.search(sources.get(c, ""))}
    return sorted(cells)


def gaps_behind(evidence: Evidence, need: str | None) -> tuple[EnvironmentGap, ...]:
    """The gaps that made a cell fail whose source could have produced ``need`` (a key of
    :data:`NEEDS`; None: any failed cell)."""
    if not evidence.environment_gaps:
        return ()
    pattern = NEEDS[need] if need is not None else None
    sources = {o.index: o.source for o in evidence.outputs}
    return tuple(
        gap
        for gap in evidence.environment_gaps
        if pattern is None or any(pattern.search(sources.get(c, "")) for c in _cells_of(gap))
    )


def gaps_behind_cells(evidence: Evidence, cells: Iterable[int]) -> tuple[EnvironmentGap, ...]:
    """The gaps behind these failed cells when every one of them failed because of a gap; else ()."""
    wanted = set(cells)
    covering = [g for g in evidence.environment_gaps if wanted & set(_cells_of(g))]
    covered = {c for g in covering for c in _cells_of(g)}
    return tuple(covering) if wanted and wanted <= covered else ()


def not_judged_for(
    gaps: Sequence[EnvironmentGap], *, failed_cells: Iterable[int] | None = None, **facts: Any
) -> CheckResult:
    """Not judged, needs review: ``failed_cells`` (default: every cell the gaps made fail) failed
    because of ``gaps``."""
    cells = set(failed_cells if failed_cells is not None else (c for g in gaps for c in _cells_of(g)))
    # shown as Jupyter numbers its code cells (the gaps know the numbers of the cells they broke)
    numbers = {i: n for g in gaps for i, n in zip((g.cell, *g.affected), (g.number, *g.numbers), strict=False) if n}
    shown = sorted(numbers.get(c, c) for c in cells)
    return CheckResult.not_judged(
        Message("environment.not_judged", {"cells": shown}),
        *(g.message() for g in gaps),
        needs_review=True,
        **facts,
        environment=[g.to_json() for g in gaps],
    )


def absent(evidence: Evidence, need: str, verdict: CheckResult) -> CheckResult:
    """``verdict`` - the check's own result for evidence it found absent - unless an environment
    gap made the cells that would have produced ``need`` fail: then not judged, needs review,
    and the feedback names the gap and those cells.  The codes of the replaced messages stay in
    the facts."""
    gaps = gaps_behind(evidence, need)
    if not gaps:
        return verdict
    facts = {k: v for k, v in verdict.evidence.items() if k != "environment"}
    cells = _needing_cells(evidence, gaps, need)
    return not_judged_for(gaps, failed_cells=cells, **facts, absent=[m.code for m in verdict.messages])
