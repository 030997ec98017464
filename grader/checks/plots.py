"""``loss_plot``, ``confusion_matrix`` and ``figure``: what the notebook showed."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field

from ..models.evidence import AxesRecord, Evidence, FigureRecord, FitRecord, GridRecord, LineRecord
from ..models.results import CheckResult, Message
from .registry import Params, register

LOSS_WORDS = re.compile(r"loss|cost|error|kerugian", re.IGNORECASE)
VAL_WORDS = re.compile(r"val|validasi|validation|test", re.IGNORECASE)


class LossPlotParams(Params):
    """Parameters of ``loss_plot``."""

    require_validation: bool = True
    min_runs: int = 1
    """Training runs whose curves must share one figure (2 for "MLP and CNN in one plot")."""
    match_history: bool = True
    """Curves must be the recorded training histories (False: labels are enough)."""


def _close(line: LineRecord, series: tuple[float, ...]) -> bool:
    ys = [v for v in line.y]
    if len(ys) != len(series) or len(series) < 2:
        return False
    for a, b in zip(ys, series, strict=True):
        if a is None or math.isnan(b):
            if not (a is None and math.isnan(b)):
                return False
            continue
        if abs(a - b) > 1e-4 + 1e-3 * abs(b):
            return False
    return True


def _histories(evidence: Evidence) -> list[tuple[FitRecord, str, tuple[float, ...]]]:
    return [(fit, key, series) for fit in evidence.fits for key, series in fit.history.items() if len(series) >= 2]


def _label_text(ax: AxesRecord, line: LineRecord) -> str:
    return " ".join([line.label, ax.ylabel, ax.title])


def _matches(ax: AxesRecord, histories: list[tuple[FitRecord, str, tuple[float, ...]]]) -> Iterator[tuple[int, str]]:
    for line in ax.lines:
        for fit, key, series in histories:
            if _close(line, series):
                yield fit.seq, key


@register("loss_plot", LossPlotParams)
def check_loss_plot(evidence: Evidence, params: LossPlotParams) -> CheckResult:
    """A figure shows training loss and validation loss curves (from any plotting route)."""
    if not evidence.figures:
        return CheckResult.fail(Message("loss_plot.no_figure"))
    histories = _histories(evidence)
    best: dict[str, Any] = {"runs": 0, "train_only": False, "accuracy_only": False}
    # one plot = one Axes: curves of two runs in side-by-side subplots are not "in one plot"
    for figure, ax in ((f, a) for f in evidence.figures for a in f.axes):
        found: dict[int, set[str]] = {}
        for seq, key in _matches(ax, histories):
            found.setdefault(seq, set()).add(key)
        complete = [
            seq
            for seq, keys in found.items()
            if "loss" in keys and ("val_loss" in keys or not params.require_validation)
        ]
        if len(complete) >= params.min_runs:
            return CheckResult.ok(
                Message("loss_plot.ok", {"runs": len(complete)}), runs=len(complete), cell=figure.cell
            )
        best["runs"] = max(best["runs"], len(complete))
        if any("loss" in keys and "val_loss" not in keys for keys in found.values()):
            best["train_only"] = True
        if found and not any({"loss", "val_loss"} & keys for keys in found.values()):
            best["accuracy_only"] = True
    # no recorded validation history to match (scikit-learn, a hand-written loop): labels count
    has_val_history = any("val_loss" in fit.history for fit in evidence.fits)
    if not params.match_history or not histories or not has_val_history:
        labelled = _labelled_loss_figure(evidence, params)
        if labelled is not None:
            return labelled
    if best["runs"] and best["runs"] < params.min_runs:
        return CheckResult.fail(
            Message("loss_plot.too_few_runs", {"found": best["runs"], "expected": params.min_runs}),
            fraction=0.5,
            **best,
        )
    if best["train_only"]:
        return CheckResult.fail(Message("loss_plot.no_validation_curve"), fraction=0.5, **best)
    if best["accuracy_only"]:
        return CheckResult.fail(Message("loss_plot.accuracy_not_loss"), fraction=0.25, **best)
    if histories and _labelled_loss_figure(evidence, params) is not None:
        return CheckResult.fail(Message("loss_plot.not_from_history"), **best)
    return CheckResult.fail(Message("loss_plot.not_found"), **best)


def _labelled_loss_figure(evidence: Evidence, params: LossPlotParams) -> CheckResult | None:
    for figure in evidence.figures:
        for ax in figure.axes:
            lossy = [ln for ln in ax.lines if LOSS_WORDS.search(_label_text(ax, ln)) and len(ln.y) >= 2]
            val = [ln for ln in lossy if VAL_WORDS.search(ln.label)]
            train = [ln for ln in lossy if not VAL_WORDS.search(ln.label)]
            if (
                train
                and (val or not params.require_validation)
                and len(lossy) >= 2 * params.min_runs - (0 if params.require_validation else params.min_runs)
            ):
                return CheckResult.ok(
                    Message("loss_plot.ok_labels", {"lines": len(lossy)}), lines=len(lossy), cell=figure.cell
                )
    return None


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


def _printed(evidence: Evidence, cell: int, matrix: list[list[int]]) -> bool:
    text = next((o.text for o in evidence.outputs if o.index == cell), "")
    numbers = re.findall(r"\d+", text)
    flat = [str(v) for row in matrix for v in row]
    joined = " ".join(numbers)
    return len(flat) > 0 and " ".join(flat) in joined


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
    for call in evidence.metric_calls:
        if call.func != "confusion_matrix" or not isinstance(call.value, list):
            continue
        counts = [[int(v) for v in row] for row in call.value]
        n = sum(sum(row) for row in counts)
        is_shown = call.display or any(_same(counts, m) for _, m in shown) or _printed(evidence, call.cell, counts)
        candidates.append((_role_of(n, evidence), n, call.cell, is_shown))
    for cell, matrix in shown:
        total = sum(sum(row) for row in matrix)
        if total > 0 and float(total).is_integer() and all(float(v).is_integer() for row in matrix for v in row):
            candidates.append((_role_of(int(total), evidence), int(total), cell, True))
    facts: dict[str, Any] = {"found": [{"role": r, "rows": n, "cell": c, "shown": s} for r, n, c, s in candidates]}
    if not candidates:
        return CheckResult.fail(Message("confusion_matrix.not_found"), **facts)
    shown_ok = [c for c in candidates if c[3]]
    if not shown_ok:
        return CheckResult.fail(Message("confusion_matrix.not_shown"), fraction=0.5, **facts)
    if params.on == "any" or any(c[0] == "test" for c in shown_ok):
        cell = next(c[2] for c in shown_ok if params.on == "any" or c[0] == "test")
        return CheckResult.ok(Message("confusion_matrix.ok", {"cell": cell}), **facts)
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
    if problems:
        return CheckResult.fail(*problems, **facts)
    return CheckResult.ok(Message("figure.ok", {"count": len(figures)}), **facts)
