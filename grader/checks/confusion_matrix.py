"""``confusion_matrix``: a confusion matrix for the test predictions was shown."""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from ..models.cells import cell_ref, code_cell_numbers
from ..models.evidence import Evidence, GridRecord
from ..models.results import CheckResult, Message
from . import causes
from .absence import absent
from .registry import Params, register

MESSAGES: tuple[str, ...] = (
    "confusion_matrix.ok",
    "confusion_matrix.not_found",
    "confusion_matrix.not_shown",
    "confusion_matrix.on_train",
    "confusion_matrix.on_validation",
    "confusion_matrix.unknown_rows",
    "absent.no_confusion",
    "absent.no_training",
    *causes.MESSAGES,
)
"""Catalogue codes this check emits."""


SHOWN_SOURCE = r"[Cc]onfusion|heatmap|imshow|matshow"
"""The line of a cell that shows a matrix, quoted when the cell is cited."""


class ConfusionParams(Params):
    """Parameters of ``confusion_matrix``."""

    on: Literal["test", "any"] = "test"


def _grid_matrix(grid: GridRecord) -> list[list[float]] | None:
    if grid.values is None or len(grid.shape) != 2 or grid.shape[0] != grid.shape[1] or grid.shape[0] < 2:
        return None
    rows = [[float(v) if v is not None else math.nan for v in row] for row in grid.values]
    if any(math.isnan(v) or v < 0 for row in rows for v in row):
        return None
    return rows


def shown_matrices(evidence: Evidence) -> list[tuple[int, list[list[float]]]]:
    """Square non-negative grids drawn in figures (imshow, heatmap, ConfusionMatrixDisplay)."""
    found = []
    for figure in evidence.figures:
        for ax in figure.axes:
            for grid in (*ax.images, *ax.meshes):
                matrix = _grid_matrix(grid)
                if matrix is not None:
                    found.append((figure.cell, matrix))
    return found


class _Printed:
    """Whether a cell printed a matrix: each cell's numbers read once (a notebook that prints the
    matrix of every trained model would otherwise read every output once per matrix)."""

    def __init__(self, evidence: Evidence) -> None:
        self._texts: dict[int, str] = {}
        for o in evidence.outputs:
            self._texts.setdefault(o.index, o.text)  # the first output of the cell
        self._numbers: dict[int, str] = {}

    def __call__(self, cell: int, matrix: list[list[int]]) -> bool:
        if cell not in self._numbers:
            self._numbers[cell] = " ".join(re.findall(r"\d+", self._texts.get(cell, "")))
        flat = [str(v) for row in matrix for v in row]
        return len(flat) > 0 and " ".join(flat) in self._numbers[cell]


class _Shown:
    """``any(_same(counts, m) for m in shown)`` with one look-up: a drawn matrix whose every
    value lies within 1e-9 of a whole number is keyed by those numbers (the only counts it can
    be); any other is compared directly."""

    def __init__(self, shown: list[tuple[int, list[list[float]]]]) -> None:
        self._keys: set[tuple[tuple[int, ...], ...]] = set()
        self._others: list[list[list[float]]] = []
        for _, matrix in shown:
            if all(abs(v) < 2.0**52 for row in matrix for v in row):  # whole floats are exact here
                nearest = [[round(v) for v in row] for row in matrix]
                if all(
                    abs(x - v) < 1e-9
                    for xs, row in zip(nearest, matrix, strict=True)
                    for x, v in zip(xs, row, strict=True)
                ):
                    self._keys.add(tuple(tuple(xs) for xs in nearest))
                # a value far from every whole number: no counts are the same
            else:
                self._others.append(matrix)

    def __contains__(self, counts: list[list[int]]) -> bool:
        return tuple(tuple(row) for row in counts) in self._keys or any(_same(counts, m) for m in self._others)


def _role_of(n: int, evidence: Evidence) -> str:
    roles = evidence.roles
    for name, rows in (("test", roles.test), ("validation", roles.validation), ("train", roles.train)):
        if rows is not None and rows.n == n:
            return name
    return "unknown"


@register("confusion_matrix", ConfusionParams)
def check_confusion_matrix(evidence: Evidence, params: ConfusionParams) -> CheckResult:
    """A confusion matrix of the test predictions was shown."""
    candidates: list[tuple[str, int, int, bool]] = []  # (role, n, cell, shown)
    shown = shown_matrices(evidence)
    drawn, printed = _Shown(shown), _Printed(evidence)
    for call in evidence.metric_calls:
        if call.func != "confusion_matrix" or not isinstance(call.value, list):
            continue
        counts = [[int(v) for v in row] for row in call.value]
        n = sum(sum(row) for row in counts)
        is_shown = call.display or counts in drawn or printed(call.cell, counts)
        candidates.append((_role_of(n, evidence), n, call.cell, is_shown))
    for cell, matrix in shown:
        total = sum(sum(row) for row in matrix)
        if total > 0 and float(total).is_integer() and all(float(v).is_integer() for row in matrix for v in row):
            candidates.append((_role_of(int(total), evidence), int(total), cell, True))
    numbers = code_cell_numbers(evidence.cells)
    facts: dict[str, Any] = {
        "found": [{"role": r, "rows": n, "cell": numbers.get(c), "shown": s} for r, n, c, s in candidates]
    }
    if not evidence.fits:
        # predictions of a model that never trained say nothing about the student's model
        why = causes.absence_causes(evidence, calls=("fit", "partial_fit"), source=causes.FIT_SOURCE)
        if why:
            return absent(evidence, "fit", CheckResult.not_judged(Message("absent.no_training"), *why, **facts))
    if not candidates:
        why = causes.absence_causes(evidence, calls=("predict", "evaluate"), source=causes.ASSESS_SOURCE)
        verdict = (
            CheckResult.not_judged(Message("absent.no_confusion"), *why, **facts)
            if why
            else CheckResult.fail(Message("confusion_matrix.not_found"), **facts)
        )  # the predictions it needs were never made: the run failed first
        return absent(evidence, "confusion", verdict)
    shown_ok = [c for c in candidates if c[3]]
    if not shown_ok:
        return CheckResult.fail(Message("confusion_matrix.not_shown"), fraction=0.5, **facts)
    if params.on == "any" or any(c[0] == "test" for c in shown_ok):
        cell = next(c[2] for c in shown_ok if params.on == "any" or c[0] == "test")
        ref = cell_ref(evidence, cell, pattern=SHOWN_SOURCE)
        return CheckResult.ok(Message("confusion_matrix.ok", {"cell": ref}), **facts)
    roles = {c[0] for c in shown_ok}
    if "train" in roles:
        return CheckResult.fail(
            Message("confusion_matrix.on_train", {"n": next(c[1] for c in shown_ok if c[0] == "train")}),
            fraction=0.25,
            **facts,
        )
    if "validation" in roles:
        return CheckResult.fail(Message("confusion_matrix.on_validation"), fraction=0.5, **facts)
    expected = evidence.roles.test.n if evidence.roles.test else None
    return CheckResult.fail(
        Message("confusion_matrix.unknown_rows", {"n": shown_ok[0][1], "expected": expected or "?"}),
        fraction=0.25,
        **facts,
    )


def _same(a: list[list[int]], b: list[list[float]]) -> bool:
    return len(a) == len(b) and all(
        len(r) == len(s) and all(abs(x - y) < 1e-9 for x, y in zip(r, s, strict=True))
        for r, s in zip(a, b, strict=True)
    )
