"""``runs``: the notebook (or the named cells) executed without error."""

from __future__ import annotations

from typing import Any

from ..models.cells import cell_ref
from ..models.evidence import Evidence
from ..models.execution import size_words
from ..models.results import CheckResult, Message
from . import causes
from .absence import gaps_behind_cells, not_judged_for
from .registry import Params, register

MESSAGES: tuple[str, ...] = (
    "runs.ok",
    "runs.no_cells",
    "runs.cell_errors",
    "runs.kernel_died",
    "runs.timeout",
    "runs.not_run",
    "runs.disk_full",
    *causes.MESSAGES,
)
"""Catalogue codes this check emits."""


class RunsParams(Params):
    """Parameters of ``runs``."""

    cells: list[int] | None = None
    """Only these cells (notebook indices) must run cleanly; default: all."""
    max_errors: int = 0
    """How many erroring cells are tolerated."""


@register("runs", RunsParams)
def check_runs(evidence: Evidence, params: RunsParams) -> CheckResult:
    """The notebook ran top to bottom without errors."""
    cells = [c for c in evidence.cells if params.cells is None or c.index in params.cells]
    if not cells:
        # nothing ran: no verdict; a run the grader could not start is for a person to look at
        return CheckResult.not_judged(Message("runs.no_cells"), needs_review=evidence.status == "error")
    ok = [c for c in cells if c.status == "ok"]
    errors = [c for c in cells if c.status == "error"]
    timeouts = [c for c in cells if c.status == "timeout"]
    not_run = [c for c in cells if c.status == "not_run"]
    facts: dict[str, Any] = {
        "cells": len(cells),
        "ok": len(ok),
        "errors": len(errors),
        "timeouts": len(timeouts),
        "not_run": len(not_run),
    }
    fraction = len(ok) / len(cells)
    messages = []
    if evidence.status == "kernel_died" or (not_run and evidence.status != "timeout"):
        messages.append(Message("runs.kernel_died", {"reason": evidence.reason or "", "count": len(not_run)}))
    if timeouts or evidence.status == "timeout":
        cell = cell_ref(evidence, timeouts[0].index) if timeouts else Message("cell.unknown")
        messages.append(Message("runs.timeout", {"reason": evidence.reason or "", "cell": cell}))
    if errors:
        first = errors[0]
        messages.append(
            Message(
                "runs.cell_errors",
                {
                    "count": len(errors),
                    "cell": cell_ref(evidence, first.index, error=first.error),
                    "error": causes.error_line(first.error),
                },
            )
        )
        messages.extend(causes.undefined_name_origin(evidence, first.error, first.index))
    if evidence.disk_full_mb:
        messages.append(Message("runs.disk_full", {"size": size_words(evidence.disk_full_mb)}))
    if not_run and evidence.status == "timeout":
        messages.append(Message("runs.not_run", {"count": len(not_run)}))
    if timeouts or not_run or len(errors) > params.max_errors:
        # every failed cell failed because of the grading environment: not the student's to answer for
        gaps = () if timeouts or not_run else gaps_behind_cells(evidence, [c.index for c in errors])
        if gaps:
            return not_judged_for(gaps, **facts)
        return CheckResult.fail(*messages, fraction=fraction, **facts)
    return CheckResult.ok(Message("runs.ok", {"count": len(cells)}), *messages, **facts)
