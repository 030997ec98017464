"""The indexed checks (issue 12) answer exactly as the checks they replace did.

``tests/checks/legacy`` holds the earlier algorithms verbatim; every evidence below is judged by
both, and the results (messages, facts, the claims and curves found) must be identical: on the
synthetic notebooks of every training style, on the hand-made solutions, and on evidence built
to sit on the edges (ties, renamed classes, empty and one-class labels, values at the rounding
boundary of a claim, curves just inside and just outside the tolerance, missing and NaN points,
runs that learned nothing, models judged on the test rows, no test rows at all).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from factories import label_rows, rows, standard
from factories_mlp import mlp_solution, partial_fit_solution
from synthetic import STYLES, tuning_notebook

from grader.checks import run_check
from grader.checks.configurations import Configurations
from grader.checks.curves import CurveIndex
from grader.checks.integrity import faked_curves, legitimate_values, unsupported_claims
from grader.checks.printed import Supporting, supports
from grader.checks.rows import RowsIndex, assessed_rows, same_rows
from grader.models.evidence import (
    AxesRecord,
    ClaimRecord,
    DataRoles,
    EvaluateRecord,
    Evidence,
    FigureRecord,
    FitRecord,
    GridRecord,
    MetricCallRecord,
    PredictRecord,
    Rows,
    ValidationRecord,
)

from .helpers import axes, figure, line
from .legacy import configurations as old_configurations
from .legacy import confusion_matrix as old_confusion_matrix
from .legacy import integrity as old_integrity
from .legacy import leakage as old_leakage
from .legacy import loss_plot as old_loss_plot
from .legacy import tuning as old_tuning


def heatmap(values: list[list[float]], cell: int) -> FigureRecord:
    """``sns.heatmap(matrix)``: one image of these values."""
    grid = GridRecord(shape=(len(values), len(values[0])), values=tuple(tuple(row) for row in values))
    ax = AxesRecord(title="", xlabel="", ylabel="", legend=(), lines=(), images=(grid,), meshes=(), texts=())
    return FigureRecord(seq=70, cell=cell, reason="show", suptitle="", legend=(), axes=(ax,))


NAMES = np.array(["0=Blood Donor", "0s=suspect Blood Donor", "1=Hepatitis", "2=Fibrosis", "3=Cirrhosis"])


def _labels_like(source: Rows, values: np.ndarray, rid: str) -> Rows:
    return replace(source, id=rid, labels=values, exact=np.arange(len(values), dtype=np.uint64) + np.uint64(7**20))


def _edges(ev: Evidence) -> Evidence:
    """``ev`` with edge cases added: renamed classes, self-comparisons, empty and one-class
    labels, balanced accuracy, boundary claims, near-tolerance curves, NaN runs, test-set choice."""
    test, fits = ev.roles.test, list(ev.fits)
    assert test is not None
    val_pred = next(p for p in ev.predictions if p.output is not None and p.output.labels is not None)
    y_val = next(m.y_true for m in ev.metric_calls if m.func == "accuracy_score" and m.y_true is not None)
    assert val_pred.output is not None and val_pred.output.labels is not None and y_val.labels is not None
    named_truth = _labels_like(y_val, NAMES[y_val.labels], "named-truth")
    named_pred = _labels_like(val_pred.output, NAMES[val_pred.output.labels], "named-pred")
    # the truth under class names, three rows changed: its accuracy against the renamed
    # prediction (not itself a prediction) is a value nothing else computes
    altered = NAMES[y_val.labels].copy()
    altered[:3] = NAMES[(y_val.labels[:3] + 1) % len(NAMES)]
    altered_truth = _labels_like(y_val, altered, "altered-truth")
    one_class = _labels_like(y_val, np.zeros_like(y_val.labels), "one-class")
    empty = replace(y_val, id="empty", n=0, labels=np.array([], dtype=np.int64), exact=np.array([], dtype=np.uint64))
    calls = [
        MetricCallRecord(seq=900, cell=1, func="accuracy_score", y_true=named_truth, y_pred=val_pred.output, value=0.5),
        MetricCallRecord(seq=901, cell=1, func="accuracy_score", y_true=altered_truth, y_pred=named_pred, value=0.5),
        MetricCallRecord(seq=902, cell=1, func="accuracy_score", y_true=y_val, y_pred=y_val, value=1.0),
        MetricCallRecord(
            seq=903, cell=1, func="balanced_accuracy_score", y_true=y_val, y_pred=val_pred.output, value=0.1
        ),
        MetricCallRecord(seq=904, cell=1, func="accuracy_score", y_true=one_class, y_pred=one_class, value=1.0),
        MetricCallRecord(seq=905, cell=1, func="accuracy_score", y_true=empty, y_pred=empty, value=0.0),
    ]
    predictions = [
        PredictRecord(
            seq=910, cell=1, mid=fits[0].mid, framework="keras", method="predict", x=test, array=None, output=one_class
        ),
        PredictRecord(
            seq=911, cell=1, mid=fits[-1].mid, framework="keras", method="predict", x=test, array=None, output=empty
        ),
    ]
    # a model judged only on its own training rows (not judged at all), one on them and the test rows
    train = fits[0].x
    for k, (mid, judged) in enumerate((("lonely", (train,)), ("peeker", (train, test)))):
        fits.append(replace(fits[0], mid=mid, seq=940 + k, epochs=1000 + k))
        predictions += [
            PredictRecord(
                seq=941 + k, cell=1, mid=mid, framework="keras", method="predict", x=x, array=None, output=None
            )
            for x in judged
        ]
    evaluations = [
        EvaluateRecord(
            seq=920,
            cell=1,
            mid=f.mid,
            framework="keras",
            method="evaluate",
            x=test,
            y=None,
            array=None,
            array_y=None,
            result={"loss": 0.3, "acc": [0.5, float("nan"), True]},
        )
        for f in fits[:2]
    ]
    # a run that learned nothing, one with a NaN inside its history, and an exact tie of histories
    first = fits[0]
    nan_run = replace(first, seq=930, history={"loss": (1.0, math.nan), "val_loss": (1.0, 2.0)})
    hole = replace(first, seq=931, history={"loss": (1.0, math.nan, 0.5), "val_loss": (1.2, 0.9, 0.8)})
    twin = replace(first, seq=932, history=dict(first.history))
    on_test = replace(fits[-1], seq=933, validation=ValidationRecord(mode="data", x=test, y=None))
    histories = [s for f in fits for s in f.history.values()]
    near = histories[0]
    inside = tuple(v + 0.9 * (1e-4 + 1e-3 * abs(v)) for v in near)
    outside = tuple(v + 1.1 * (1e-4 + 1e-3 * abs(v)) for v in near)
    shuffled = tuple(reversed(near))
    missing = (None, *near[1:])
    nan_point = (math.nan, *near[1:])
    infinite = (math.inf, *near[1:])
    plot = figure(
        axes(
            [
                line("loss inside", inside),
                line("loss outside", outside),
                line("loss reversed", shuffled),
                line("loss missing", missing),
                line("val_loss nan", nan_point),
                line("acc inf", infinite),
                line("loss hole", (1.0, None, 0.5)),
                line("loss short", near[:2]),
                line("", (0.3, 0.2, 0.1)),
            ],
            ylabel="loss",
        ),
        cell=ev.cells[-1].index,
    )
    values = sorted(set(legitimate_values(ev)))[:40]
    claims = []
    for v in values:
        for text, value in (
            (f"accuracy: {v:.2f}", round(v, 2)),
            (f"accuracy: {int(100 * v)}%", int(100 * v) / 100),
            (f"accuracy: {100 * v:.1f}%", round(100 * v, 1) / 100),
            (f"test accuracy: {v:.4f}", round(v, 4) + 0.00005),
            (f"validation accuracy: {v + 0.0051:.2f}", round(v + 0.0051, 2)),
        ):
            if 0.0 <= value <= 1.0:
                qualifier = "test" if "test" in text else "validation" if "validation" in text else "unknown"
                claims.append(ClaimRecord(cell=1, metric="accuracy", value=value, qualifier=qualifier, text=text))
    # confusion matrices: drawn a hair off whole numbers, drawn normalised, drawn as infinities,
    # printed only, on the training rows, and never shown
    counts = [[3, 1], [0, 4]]
    matrices = (
        ([[3 + 1e-10, 1 - 1e-10], [0.0, 4.0]], [[3, 1], [0, 4]]),
        ([[0.75, 0.25], [0.0, 1.0]], [[6, 2], [0, 8]]),
        ([[math.inf, 1.0], [0.0, 4.0]], [[5, 1], [0, 4]]),
        ([[3e-9 + 5, 1.0], [0.0, 4.0]], [[5, 1], [1, 4]]),
        ([[2.0**53, 1.0], [0.0, 4.0]], [[2**53, 1], [0, 4]]),
    )
    drawn = [heatmap(m, cell=ev.cells[0].index) for m, _ in matrices]
    calls += [
        MetricCallRecord(
            seq=950 + k,
            cell=ev.cells[k % 2].index,
            func="confusion_matrix",
            y_true=None,
            y_pred=None,
            value=c,
            display=False,
        )
        for k, (_, c) in enumerate(matrices)
    ]
    calls.append(
        MetricCallRecord(
            seq=960,
            cell=ev.cells[-1].index,
            func="confusion_matrix",
            y_true=None,
            y_pred=None,
            value=[[1, 2], [3, int(train.n) - 6]] if train is not None else counts,
            display=False,
        )
    )
    outputs = tuple(replace(o, text=o.text + "\n[[5 1]\n [0 4]]") if k == 0 else o for k, o in enumerate(ev.outputs))
    return replace(
        ev,
        outputs=outputs,
        metric_calls=(*ev.metric_calls, *calls),
        predictions=(*ev.predictions, *predictions),
        evaluations=(*ev.evaluations, *evaluations),
        fits=(*fits, nan_run, hole, twin, on_test),
        figures=(plot, *ev.figures, *drawn),
        claims=(*ev.claims, *claims),
    )


def _battery() -> list[tuple[str, Evidence]]:
    found: list[tuple[str, Evidence]] = [
        ("standard", standard()),
        ("mlp_solution", mlp_solution()),
        ("partial_fit_solution", partial_fit_solution()[0]),
    ]
    for style in STYLES:
        for n, m, seed in ((1, 5, 1), (3, 30, 2), (7, 60, 3)):
            ev = tuning_notebook(n, m, style, epochs=8, seed=seed)
            found += [(f"{style}-{n}-{m}", ev), (f"{style}-{n}-{m}-edges", _edges(ev))]
            no_test = replace(ev, roles=DataRoles(final_mid=ev.roles.final_mid, train=ev.roles.train))
            found.append((f"{style}-{n}-{m}-no-test", no_test))
    return found


BATTERY = _battery()
IDS = [name for name, _ in BATTERY]
EVIDENCE = [ev for _, ev in BATTERY]

PARAMS: dict[str, list[dict[str, Any]]] = {
    "integrity": [{}, {"claims": False}, {"history": False}],
    "tuning": [{}, {"min_configs": 3}, {"min_configs": 6}],
    "leakage": [{}, {"no_model_choice_on_test": True}],
    "confusion_matrix": [{}, {"on": "any"}],
    "loss_plot": [
        {},
        {"min_runs": 2},
        {"require_validation": False},
        {"match_history": False},
        {"min_runs": 3, "require_validation": False},
    ],
}
LEGACY = {
    "integrity": (old_integrity.check_integrity, old_integrity.IntegrityParams),
    "tuning": (old_tuning.check_tuning, old_tuning.TuningParams),
    "leakage": (old_leakage.check_leakage, old_leakage.LeakageParams),
    "loss_plot": (old_loss_plot.check_loss_plot, old_loss_plot.LossPlotParams),
    "confusion_matrix": (old_confusion_matrix.check_confusion_matrix, old_confusion_matrix.ConfusionParams),
}


@pytest.mark.parametrize("ev", EVIDENCE, ids=IDS)
@pytest.mark.parametrize("kind", sorted(PARAMS))
def test_the_indexed_check_gives_the_legacy_result(kind: str, ev: Evidence) -> None:
    legacy, params_model = LEGACY[kind]
    for params in PARAMS[kind]:
        assert run_check(kind, ev, params) == legacy(ev, params_model(**params)), params


@pytest.mark.parametrize("ev", EVIDENCE, ids=IDS)
def test_claims_curves_and_values_are_the_legacy_ones(ev: Evidence) -> None:
    assert set(legitimate_values(ev)) == set(old_integrity.legitimate_values(ev))
    assert set(legitimate_values(ev, test_only=True)) == set(old_integrity.legitimate_values(ev, test_only=True))
    assert unsupported_claims(ev) == old_integrity.unsupported_claims(ev)
    assert faked_curves(ev) == old_integrity.faked_curves(ev)


@pytest.mark.parametrize("ev", EVIDENCE, ids=IDS)
def test_configurations_and_rows_are_the_legacy_ones(ev: Evidence) -> None:
    configs = Configurations(ev)
    for fit in ev.fits:
        assert configs.of(fit) == old_configurations.configuration(ev, fit)
    assert configs.judged_on_test_set() == old_configurations.configurations_judged_on_test(ev)
    index = RowsIndex(ev)
    every = _all_rows(ev)
    for a in every:
        for b in every:
            assert index.same(a, b) == same_rows(a, b)
    for mid in {f.mid for f in ev.fits} | {"no such model"}:
        assert index.assessed(mid) == assessed_rows(ev, mid)


def _all_rows(ev: Evidence) -> list[Rows]:
    found = {id(r): r for f in ev.fits for r in (f.x, f.y, f.validation.x) if r is not None}
    found.update({id(p.x): p.x for p in ev.predictions if p.x is not None})
    found.update({id(r): r for r in (ev.roles.train, ev.roles.validation, ev.roles.test) if r is not None})
    return list(found.values())[:40]


def test_supporting_answers_as_supports_on_every_boundary() -> None:
    rng = np.random.default_rng(5)
    values = [float(v) for v in rng.random(300)] + [0.0, 1.0, 0.845, 0.935, 0.9399, 0.94, math.nan, math.inf, 12.5]
    forms = (
        ("accuracy: {}", lambda x: f"{x:.2f}", 1.0),
        ("accuracy: {}", lambda x: f"{x:.4f}", 1.0),
        ("accuracy {}%", lambda x: f"{int(100 * x)}", 100.0),  # int(acc * 100): cut short
        ("accuracy: {}%", lambda x: f"{100 * x:.1f}", 100.0),
        ("akurasi {}", lambda x: f"{round(x, 1)}", 1.0),
        ("accuracy: {}", lambda x: f"{x:.0f}", 1.0),
    )
    pool = Supporting(values)
    tried = backed = 0
    for v in [*values[:60], 0.845, 0.935, 0.9399, 0.94, 1.0, 0.0]:
        if not math.isfinite(v) or v > 1:
            continue
        for text, number, scale in forms:
            for shift in (0.0, 0.0049, 0.005, 0.00051, 0.0099, 0.01, -0.005, -0.0049, 1e-10, -1e-10):
                printed = number(min(max(v + shift, 0.0), 1.0))
                claim = ClaimRecord(
                    cell=1,
                    metric="accuracy",
                    value=float(printed) / scale,
                    qualifier="unknown",
                    text=text.format(printed),
                )
                expected = any(supports(claim, x) for x in values)
                assert pool.backs(claim) == expected, (claim.text, shift)
                tried, backed = tried + 1, backed + expected
    assert 0 < backed < tried


def test_curve_candidates_hold_every_match() -> None:
    rng = np.random.default_rng(3)
    series = [tuple(float(v) for v in rng.random(6) * scale) for scale in (1, 10, 1000) for _ in range(30)]
    series += [(0.5, math.nan, 0.1, 0.1, 0.1, 0.1), (1e200,) * 6, (0.0,) * 6, (0.0,) * 5]
    index = CurveIndex(series)

    def close(ys: tuple[float | None, ...], s: tuple[float, ...]) -> bool:
        return len(ys) == len(s) and all(
            (a is None and math.isnan(b)) or (a is not None and abs(a - b) <= 1e-4 + 1e-3 * abs(b))
            for a, b in zip(ys, s, strict=True)
        )

    lines: list[tuple[float | None, ...]] = []
    for s in series:
        for factor in (0.999, 0.9995, 1.0, 1.0009, 1.002):
            lines.append(tuple(v * factor + (5e-5 if factor != 1.0 else 0.0) for v in s))
        lines.append((None, *s[1:]))
    for ys in lines:
        candidates = set(index.candidates(ys))
        assert {at for at, s in enumerate(series) if close(ys, s)} <= candidates
        assert candidates <= {at for at, s in enumerate(series) if len(s) == len(ys)}


def test_the_figures_of_a_nan_run_and_a_twin_run_are_judged_alike() -> None:
    ev = _edges(tuning_notebook(4, 20, "keras", epochs=5, seed=9))
    only_edges: tuple[FigureRecord, ...] = ev.figures[:1]
    lean = replace(ev, figures=only_edges)
    for params in PARAMS["loss_plot"]:
        assert run_check("loss_plot", lean, params) == old_loss_plot.check_loss_plot(
            lean, old_loss_plot.LossPlotParams(**params)
        )
    assert faked_curves(lean) == old_integrity.faked_curves(lean)
    assert faked_curves(lean)  # the edges hold curves no history backs: the comparison is not empty


def test_one_model_refitted_on_distinct_arrays_is_judged_alike() -> None:
    """A ``partial_fit`` loop over mini-batches: one model id, a new array each call."""
    ev = tuning_notebook(3, 20, "partial_fit", epochs=6, seed=4)
    fits: list[FitRecord] = []
    for i, f in enumerate(ev.fits):
        x = rows(40, start=100 * i, width=12) if i % 2 else f.x
        fits.append(replace(f, x=x, y=label_rows([0, 1] * 20) if i % 2 else f.y))
    batches = replace(ev, fits=tuple(fits))
    for kind in ("tuning", "leakage"):
        legacy, params_model = LEGACY[kind]
        for params in PARAMS[kind]:
            assert run_check(kind, batches, params) == legacy(batches, params_model(**params))
