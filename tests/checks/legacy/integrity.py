"""Legacy copy of ``grader/checks/integrity.py`` at 9f9e599 (see ``tests/checks/legacy``)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np

from grader.checks import causes
from grader.checks.absence import absent
from grader.checks.registry import Params
from grader.models.cells import cell_ref, code_cell_label
from grader.models.evidence import ClaimRecord, Evidence, Rows
from grader.models.results import CheckResult, Message

from .printed import as_printed, supports
from .rows import same_rows

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


def _same_values(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.all(a.astype(str) == b.astype(str)))


def _renamed(a: np.ndarray, b: np.ndarray) -> bool:
    """``b`` is ``a`` with its classes renamed one-to-one (indices printed as class names)."""
    if a.shape != b.shape or a.size == 0:
        return False
    pairs = set(zip(a.astype(str).tolist(), b.astype(str).tolist(), strict=True))
    return len(pairs) >= 2 and len(pairs) == len({x for x, _ in pairs}) == len({y for _, y in pairs})


def _predicted(labels: np.ndarray, predicted: list[np.ndarray]) -> bool:
    return any(_same_values(labels, p) or _renamed(p, labels) for p in predicted)


def _balanced_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float | None:
    if y_true.shape != y_pred.shape or y_true.size == 0:
        return None
    truth, guess = y_true.astype(str), y_pred.astype(str)
    return float(np.mean([np.mean(guess[truth == c] == c) for c in np.unique(truth)]))


def _accuracy(a: np.ndarray, b: np.ndarray) -> float | None:
    if a.shape != b.shape or a.size == 0:
        return None
    return float(np.mean(a.astype(str) == b.astype(str)))


def legitimate_values(evidence: Evidence, test_only: bool = False) -> list[float]:
    """Numbers the notebook (or the grader) really computed; with ``test_only`` only on test rows."""
    test = evidence.roles.test
    values: list[float] = []
    for m in evidence.measurements:
        if not test_only or m.role == "test":
            values += [m.accuracy, m.macro_f1]
    for e in evidence.evaluations:
        if not test_only or same_rows(e.x, test):
            values += list(_numbers(e.result))
    predicted = [p.output.labels for p in evidence.predictions if p.output is not None and p.output.labels is not None]
    for call in evidence.metric_calls:
        on_test = test is not None and call.y_true is not None and call.y_true.n == test.n
        if test_only and not on_test:
            continue
        # a metric's own value is not trusted (a notebook can forge the event, or compare the
        # labels with themselves): only the grader's recomputation from the recorded labels
        # counts, and only when one side really is what a model predicted (accuracy_score(y_pred,
        # y_test) swaps them; class names for class indices rename them)
        if call.y_true is None or call.y_pred is None or call.y_true.labels is None or call.y_pred.labels is None:
            continue
        if not (_predicted(call.y_pred.labels, predicted) or _predicted(call.y_true.labels, predicted)):
            continue
        acc = _accuracy(call.y_true.labels, call.y_pred.labels)
        if acc is not None:
            values.append(acc)
        if call.func == "balanced_accuracy_score":
            balanced = _balanced_accuracy(call.y_true.labels, call.y_pred.labels)
            values += [balanced] if balanced is not None else []
    labels = _label_rows(evidence)
    for p in evidence.predictions:
        if p.output is None or p.output.labels is None or (test_only and not same_rows(p.x, test)):
            continue
        for rows in labels:
            if rows.n == p.output.n and rows.labels is not None:
                acc = _accuracy(rows.labels, p.output.labels)
                if acc is not None:
                    values.append(acc)
    if not test_only:
        for fit in evidence.fits:
            for series in fit.history.values():
                values += [v for v in series if math.isfinite(v)]
    return values


def unsupported_claims(evidence: Evidence) -> list[ClaimRecord]:
    """Claims no computation in the notebook backs (test claims need a test-rows computation)."""
    everything = legitimate_values(evidence)
    on_test = legitimate_values(evidence, test_only=True) if evidence.roles.test is not None else everything
    bad = []
    for claim in evidence.claims:
        pool = on_test if claim.qualifier == "test" else everything
        if not any(supports(claim, v) for v in pool):
            bad.append(claim)
    return bad


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
    found = []
    for figure in evidence.figures:
        for ax in figure.axes:
            for line in ax.lines:
                label = " ".join([line.label, ax.ylabel, ax.title])
                if len(line.y) not in lengths or not CURVE_WORDS.search(label):
                    continue
                ys = [v if v is not None else math.nan for v in line.y]
                if not any(
                    len(s) == len(ys)
                    and all(
                        (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-4 + 1e-3 * abs(b)
                        for a, b in zip(ys, s, strict=True)
                    )
                    for s in series
                ):
                    found.append(line.label or ax.title or code_cell_label(evidence.cells, figure.cell))
    return found


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
