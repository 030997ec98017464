"""Legacy copy of ``grader/checks/loss_plot.py`` at 9f9e599 (see ``tests/checks/legacy``)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from grader.checks import causes
from grader.checks.absence import absent
from grader.checks.registry import Params
from grader.models.cells import code_cell_number
from grader.models.evidence import AxesRecord, Evidence, FitRecord, LineRecord
from grader.models.results import CheckResult, Message

MESSAGES: tuple[str, ...] = (
    "loss_plot.ok",
    "loss_plot.ok_labels",
    "loss_plot.no_figure",
    "loss_plot.no_validation_curve",
    "loss_plot.accuracy_not_loss",
    "loss_plot.too_few_runs",
    "loss_plot.not_from_history",
    "loss_plot.not_found",
    "loss_plot.nan",
    "absent.no_figure",
    "absent.no_training",
    *causes.MESSAGES,
    "loss_plot.ok_sklearn",
    "loss_plot.no_validation_curve_sklearn",
)
"""Catalogue codes this check emits."""

TRAIN_KEYS = frozenset({"loss", "train_log_loss"})
"""History keys of a training loss curve (``train_log_loss``: a hand-written loop's own)."""
SKLEARN_VALIDATION = "val_accuracy"
"""The history key of an MLP's ``validation_scores_`` (its early-stopping validation accuracy)."""
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
    """Recorded histories a curve can match; runs whose loss ended NaN learned nothing to show."""
    return [
        (fit, key, series)
        for fit in evidence.fits
        if not causes.learned_nothing(fit)
        for key, series in fit.history.items()
        if len(series) >= 2
    ]


def _finite_points(line: LineRecord) -> int:
    return sum(1 for v in line.y if v is not None and math.isfinite(v))


def _label_text(ax: AxesRecord, line: LineRecord) -> str:
    return " ".join([line.label, ax.ylabel, ax.title])


def _matches(ax: AxesRecord, histories: list[tuple[FitRecord, str, tuple[float, ...]]]) -> Iterator[tuple[int, str]]:
    for line in ax.lines:
        for fit, key, series in histories:
            if _close(line, series):
                yield fit.seq, key


def check_loss_plot(evidence: Evidence, params: LossPlotParams) -> CheckResult:
    """A figure shows training loss and validation loss curves (from any plotting route)."""
    if not evidence.figures:
        # the cell that plots a history (or any plot) raised, else training failed, else the run
        why = causes.absence_causes(evidence, source=causes.LOSS_PLOT_SOURCE, earlier=False) or causes.absence_causes(
            evidence, calls=("fit", "partial_fit"), source=causes.PLOT_SOURCE
        )
        verdict = (  # not judged when the notebook crashed before it drew anything
            CheckResult.not_judged(Message("absent.no_figure"), *why)
            if why
            else CheckResult.fail(Message("loss_plot.no_figure"))
        )
        return absent(evidence, "loss_plot", verdict)
    if evidence.fits and all(causes.learned_nothing(fit) for fit in evidence.fits):
        return CheckResult.fail(
            Message("loss_plot.nan"), *causes.nan_loss_messages(evidence, evidence.fits[-1]), nan_loss=True
        )
    histories = _histories(evidence)
    sklearn_runs = {fit.seq for fit in evidence.fits if fit.framework == "sklearn"}
    best: dict[str, Any] = {"runs": 0, "train_only": False, "accuracy_only": False}
    sklearn_train_only = False
    # one plot = one Axes: curves of two runs in side-by-side subplots are not "in one plot"
    for figure, ax in ((f, a) for f in evidence.figures for a in f.axes):
        found: dict[int, set[str]] = {}
        for seq, key in _matches(ax, histories):
            found.setdefault(seq, set()).add(key)
        complete = [
            seq
            for seq, keys in found.items()
            if keys & TRAIN_KEYS and ("val_loss" in keys or not params.require_validation)
        ]
        if len(complete) >= params.min_runs:
            return CheckResult.ok(
                Message("loss_plot.ok", {"runs": len(complete)}),
                runs=len(complete),
                cell=code_cell_number(evidence.cells, figure.cell),
            )
        best["runs"] = max(best["runs"], len(complete))
        train_only = [seq for seq, keys in found.items() if keys & TRAIN_KEYS and "val_loss" not in keys]
        if train_only:
            best["train_only"] = True
            sklearn_train_only = sklearn_train_only or any(seq in sklearn_runs for seq in train_only)
        if found and not any((TRAIN_KEYS | {"val_loss"}) & keys for keys in found.values()):
            best["accuracy_only"] = True
    sklearn_plot = _sklearn_figure(evidence, params, histories, sklearn_runs)
    if sklearn_plot is not None:
        return sklearn_plot
    # no recorded validation history to match (scikit-learn, a hand-written loop): labels count
    has_val_history = any("val_loss" in fit.history for fit in evidence.fits if not causes.learned_nothing(fit))
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
        code = "loss_plot.no_validation_curve_sklearn" if sklearn_train_only else "loss_plot.no_validation_curve"
        return CheckResult.fail(Message(code), fraction=0.5, **best)
    if best["accuracy_only"]:
        return CheckResult.fail(Message("loss_plot.accuracy_not_loss"), fraction=0.25, **best)
    if histories and _labelled_loss_figure(evidence, params) is not None:
        return CheckResult.fail(Message("loss_plot.not_from_history"), **best)
    verdict = CheckResult.fail(Message("loss_plot.not_found"), **best)
    if not evidence.fits:  # figures were drawn, but no training left a history to plot
        why = causes.absence_causes(evidence, calls=("fit", "partial_fit"), source=causes.FIT_SOURCE)
        if why:
            verdict = CheckResult.not_judged(Message("absent.no_training"), *why, **best)
    return absent(evidence, "loss_plot", verdict)


def _sklearn_figure(
    evidence: Evidence,
    params: LossPlotParams,
    histories: list[tuple[FitRecord, str, tuple[float, ...]]],
    sklearn_runs: set[int],
) -> CheckResult | None:
    """A figure with an MLP's ``loss_curve_`` and its ``validation_scores_`` (on any of its Axes)."""
    mlp = [h for h in histories if h[0].seq in sklearn_runs]
    if not params.require_validation or not any(key == SKLEARN_VALIDATION for _, key, _ in mlp):
        return None
    for figure in evidence.figures:
        found: dict[int, set[str]] = {}
        for ax in figure.axes:
            for seq, key in _matches(ax, mlp):
                found.setdefault(seq, set()).add(key)
        complete = [seq for seq, keys in found.items() if "loss" in keys and SKLEARN_VALIDATION in keys]
        if complete and len(complete) >= params.min_runs:
            return CheckResult.ok(
                Message("loss_plot.ok_sklearn", {"runs": len(complete)}), runs=len(complete), cell=figure.cell
            )
    return None


def _labelled_loss_figure(evidence: Evidence, params: LossPlotParams) -> CheckResult | None:
    for figure in evidence.figures:
        for ax in figure.axes:
            lossy = [ln for ln in ax.lines if LOSS_WORDS.search(_label_text(ax, ln)) and _finite_points(ln) >= 2]
            val = [ln for ln in lossy if VAL_WORDS.search(ln.label)]
            train = [ln for ln in lossy if not VAL_WORDS.search(ln.label)]
            if (
                train
                and (val or not params.require_validation)
                and len(lossy) >= 2 * params.min_runs - (0 if params.require_validation else params.min_runs)
            ):
                return CheckResult.ok(
                    Message("loss_plot.ok_labels", {"lines": len(lossy)}),
                    lines=len(lossy),
                    cell=code_cell_number(evidence.cells, figure.cell),
                )
    return None
