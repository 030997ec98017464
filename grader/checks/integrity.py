"""``integrity``: the probe was not tampered with and printed claims match what was measured.

A printed number is only a claim.  It is supported when some computation the notebook really
made (or the grader's own re-evaluation) produces that number as printed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..models.cells import cell_ref, code_cell_label
from ..models.evidence import ClaimRecord, Evidence, Rows
from ..models.results import CheckResult, Message
from . import causes
from .absence import absent
from .curves import CurveIndex
from .printed import Supporting, as_printed
from .registry import Params, register
from .rows import RowsIndex

MESSAGES: tuple[str, ...] = (
    "integrity.ok",
    "integrity.probe_missing",
    "integrity.tampered",
    "integrity.altered",
    "integrity.claim",
    "integrity.claim_test",
    "integrity.claim_test_unmeasured",
    "integrity.claim_validation",
    "integrity.claim_unmeasured",
    "integrity.curve",
    "integrity.ok_nothing_printed",
    "absent.no_computation",
    *causes.MESSAGES,
)
"""Catalogue codes this check emits."""

CURVE_WORDS = re.compile(r"loss|acc", re.IGNORECASE)


class IntegrityParams(Params):
    """Parameters of ``integrity``."""

    claims: bool = True
    tampering: bool = True
    history: bool = True


def _numbers(value: object) -> Iterator[float]:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        if math.isfinite(float(value)):
            yield float(value)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _numbers(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)


def _label_rows(evidence: Evidence) -> list[Rows]:
    found: list[Rows] = []
    for s in evidence.splits:
        found += [p.rows for p in s.outputs if p.rows is not None and p.rows.labels is not None]
    for f in evidence.fits:
        found += [r for r in (f.y, f.validation.y) if r is not None and r.labels is not None]
    for e in evidence.evaluations:
        if e.y is not None and e.y.labels is not None:
            found.append(e.y)
    for m in evidence.metric_calls:
        found += [r for r in (m.y_true,) if r is not None and r.labels is not None]
    return found


def _balanced_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float | None:
    if y_true.shape != y_pred.shape or y_true.size == 0:
        return None
    truth, guess = y_true.astype(str), y_pred.astype(str)
    return float(np.mean([np.mean(guess[truth == c] == c) for c in np.unique(truth)]))


def _accuracy(a: np.ndarray, b: np.ndarray) -> float | None:
    if a.shape != b.shape or a.size == 0:
        return None
    return float(np.mean(a.astype(str) == b.astype(str)))


class _Labels:
    """Label arrays compared as the text of their values (``1`` and ``"1"`` alike), each array
    read once: its key (equal keys, equal values) and its pattern (equal patterns, the same
    values under other names)."""

    def __init__(self) -> None:
        self._texts: dict[int, tuple[tuple[int, ...], tuple[str, ...]]] = {}
        self._keep: list[np.ndarray] = []  # holds every array whose id() keys an entry

    def key(self, labels: np.ndarray) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """The shape and the values as text: equal keys, the same values."""
        found = self._texts.get(id(labels))
        if found is None:
            found = self._texts[id(labels)] = (labels.shape, tuple(labels.astype(str).ravel().tolist()))
            self._keep.append(labels)
        return found

    def pattern(self, labels: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        """The shape and each value's rank by first appearance: two arrays with equal patterns
        hold the same classes renamed one-to-one (indices printed as class names).  None for an
        array nothing can be a renaming of: empty, or a single distinct value."""
        shape, texts = self.key(labels)
        first: dict[str, int] = {}
        ranks = tuple(first.setdefault(t, len(first)) for t in texts)
        return (shape, ranks) if texts and len(first) >= 2 else None


class _Predicted:
    """Whether a label array is what some model predicted, as is or with its classes renamed
    one-to-one: one look-up each, not a comparison with every prediction."""

    def __init__(self, labels: _Labels, predicted: list[np.ndarray]) -> None:
        self._labels = labels
        self._keys = {labels.key(p) for p in predicted}
        self._patterns = {labels.pattern(p) for p in predicted} - {None}

    def __call__(self, labels: np.ndarray) -> bool:
        if self._labels.key(labels) in self._keys:
            return True
        return self._labels.pattern(labels) in self._patterns


def _accuracies(labels: _Labels, truths: list[Rows], outputs: list[Rows]) -> dict[int, list[float]]:
    """``_accuracy(rows.labels, output.labels)`` of every output (by ``id``) against every label
    row set of its size: the distinct truths of a size coded once, each distinct output compared
    with all of them in one go."""
    groups: dict[tuple[int, tuple[int, ...]], dict[tuple[Any, ...], None]] = {}
    for rows in truths:
        assert rows.labels is not None
        if rows.labels.size:
            groups.setdefault((rows.n, rows.labels.shape), {})[labels.key(rows.labels)] = None
    coded: dict[tuple[int, tuple[int, ...]], tuple[dict[str, int], np.ndarray]] = {}
    for size, keys in groups.items():
        vocabulary: dict[str, int] = {}
        codes = [[vocabulary.setdefault(v, len(vocabulary)) for v in key[1]] for key in keys]
        coded[size] = (vocabulary, np.array(codes, dtype=np.int64))
    found: dict[int, list[float]] = {}
    done: dict[tuple[Any, ...], list[float]] = {}
    for out in outputs:
        assert out.labels is not None
        size = (out.n, out.labels.shape)
        if size not in coded:
            found[id(out)] = []
            continue
        key = labels.key(out.labels)
        if (size, key) not in done:
            vocabulary, matrix = coded[size]
            guess = np.array([vocabulary.get(v, -1) for v in key[1]], dtype=np.int64)  # -1: no truth has it
            done[(size, key)] = [float(v) for v in np.mean(matrix == guess, axis=1)]
        found[id(out)] = done[(size, key)]
    return found


def legitimate_values(evidence: Evidence, test_only: bool = False) -> list[float]:
    """Numbers the notebook (or the grader) really computed, each once; with ``test_only`` only
    on test rows."""
    everything, on_test = _legitimate(evidence)
    return on_test if test_only else everything


def _legitimate(evidence: Evidence) -> tuple[list[float], list[float]]:
    """The distinct numbers of ``legitimate_values`` (all, and on the test rows), each computed
    once: comparisons are indexed, so a notebook that trains and prints about many models costs
    what it holds, not its square."""
    test = evidence.roles.test
    rows = RowsIndex(evidence)
    labels = _Labels()
    values: list[float] = []
    tested: list[float] = []
    for m in evidence.measurements:
        values += [m.accuracy, m.macro_f1]
        if m.role == "test":
            tested += [m.accuracy, m.macro_f1]
    for e in evidence.evaluations:
        numbers = list(_numbers(e.result))
        values += numbers
        if rows.same(e.x, test):
            tested += numbers
    predicted = _Predicted(
        labels, [p.output.labels for p in evidence.predictions if p.output is not None and p.output.labels is not None]
    )
    for call in evidence.metric_calls:
        on_test = test is not None and call.y_true is not None and call.y_true.n == test.n
        # a metric's own value is not trusted (a notebook can forge the event, or compare the
        # labels with themselves): only the grader's recomputation from the recorded labels
        # counts, and only when one side really is what a model predicted (accuracy_score(y_pred,
        # y_test) swaps them; class names for class indices rename them)
        if call.y_true is None or call.y_pred is None or call.y_true.labels is None or call.y_pred.labels is None:
            continue
        if not (predicted(call.y_pred.labels) or predicted(call.y_true.labels)):
            continue
        found = []
        acc = _accuracy(call.y_true.labels, call.y_pred.labels)
        if acc is not None:
            found.append(acc)
        if call.func == "balanced_accuracy_score":
            balanced = _balanced_accuracy(call.y_true.labels, call.y_pred.labels)
            found += [balanced] if balanced is not None else []
        values += found
        tested += found if on_test else []
    outputs = [p for p in evidence.predictions if p.output is not None and p.output.labels is not None]
    accuracies = _accuracies(labels, _label_rows(evidence), [p.output for p in outputs if p.output is not None])
    for p in outputs:
        found = accuracies[id(p.output)]
        values += found
        if rows.same(p.x, test):
            tested += found
    for fit in evidence.fits:
        for series in fit.history.values():
            values += [v for v in series if math.isfinite(v)]
    return list(dict.fromkeys(values)), list(dict.fromkeys(tested))


def unsupported_claims(evidence: Evidence) -> list[ClaimRecord]:
    """Claims no computation in the notebook backs (test claims need a test-rows computation)."""
    values, tested = _legitimate(evidence)
    everything = Supporting(values)
    on_test = Supporting(tested) if evidence.roles.test is not None else everything
    return [
        claim for claim in evidence.claims if not (on_test if claim.qualifier == "test" else everything).backs(claim)
    ]


def claim_message(evidence: Evidence, claim: ClaimRecord) -> Message:
    """Why a claim is not backed, with the grader's own number on the same rows, printed the way
    the claim was printed."""
    where = {"text": claim.text, "cell": cell_ref(evidence, claim.cell)}
    role = {"test": "test", "validation": "validation", "unknown": "test"}.get(claim.qualifier)
    measured = evidence.measurement(role) if role is not None else None
    if measured is None:
        code = "integrity.claim_test_unmeasured" if claim.qualifier == "test" else "integrity.claim_unmeasured"
        return Message(code, where)
    value = {**where, "measured": as_printed(measured.accuracy, claim)}
    if claim.qualifier == "test":
        return Message("integrity.claim_test", value)
    if claim.qualifier == "validation":
        return Message("integrity.claim_validation", value)
    return Message("integrity.claim", value)


def faked_curves(evidence: Evidence) -> list[str]:
    """Plotted loss/accuracy curves as long as a recorded history but matching none of them."""
    # Keras histories only: what a student plots from a scikit-learn model is often their own
    # per-epoch loss (log_loss), not loss_curve_, which includes the L2 penalty
    series = [s for f in evidence.fits if f.framework == "keras" for s in f.history.values() if len(s) >= 3]
    lengths = {len(s) for s in series}
    index = CurveIndex(series)
    cell_labels: dict[int, str] = {}  # a figure's cell, named once
    found = []
    for figure in evidence.figures:
        for ax in figure.axes:
            for line in ax.lines:
                label = " ".join([line.label, ax.ylabel, ax.title])
                if len(line.y) not in lengths or not CURVE_WORDS.search(label):
                    continue
                ys = [v if v is not None else math.nan for v in line.y]
                if not any(
                    len(series[at]) == len(ys)
                    and all(
                        (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-4 + 1e-3 * abs(b)
                        for a, b in zip(ys, series[at], strict=True)
                    )
                    for at in index.candidates(line.y)
                ):
                    if figure.cell not in cell_labels:
                        cell_labels[figure.cell] = code_cell_label(evidence.cells, figure.cell)
                    found.append(line.label or ax.title or cell_labels[figure.cell])
    return found


@register("integrity", IntegrityParams)
def check_integrity(evidence: Evidence, params: IntegrityParams) -> CheckResult:
    """The probe was not tampered with and printed claims match what the grader measured."""
    problems: list[Message] = []
    if params.tampering:
        if not evidence.probe_ok:
            problems.append(Message("integrity.probe_missing"))
        if evidence.tampered:
            problems.append(Message("integrity.tampered", {"what": list(evidence.tampered)[:5]}))
        if evidence.altered:
            problems.append(Message("integrity.altered", {"what": list(evidence.altered)[:3]}))
    bad_claims = unsupported_claims(evidence) if params.claims else []
    problems += [claim_message(evidence, claim) for claim in bad_claims[:3]]
    curves = faked_curves(evidence) if params.history else []
    if curves:
        problems.append(Message("integrity.curve", {"curves": curves[:3]}))
    facts: dict[str, Any] = {
        "claims": len(evidence.claims),
        "unsupported_claims": [c.text for c in bad_claims],
        "tampered": list(evidence.tampered),
        "curves_not_from_history": curves,
    }
    if problems:
        return CheckResult.fail(*problems, **facts)
    if not evidence.fits and not evidence.claims:
        # nothing trained, nothing printed: "nothing was forged" would be a pass on no evidence
        why = causes.absence_causes(evidence, calls=("fit", "partial_fit"), source=causes.FIT_SOURCE)
        return absent(evidence, "fit", CheckResult.not_judged(Message("absent.no_computation"), *why, **facts))
    if not evidence.claims:
        return CheckResult.ok(Message("integrity.ok_nothing_printed"), **facts)
    return CheckResult.ok(Message("integrity.ok", {"claims": len(evidence.claims)}), **facts)
