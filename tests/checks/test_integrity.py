"""``integrity`` on hand-made evidence."""

from __future__ import annotations

from factories import measurement, standard

from grader.checks import run_check
from grader.models.evidence import ClaimRecord, EvaluateRecord

from .helpers import axes, codes, figure, line


def _claim(text, value, qualifier="test"):
    return ClaimRecord(cell=7, metric="accuracy", value=value, qualifier=qualifier, text=text)


def test_integrity_accepts_a_claim_backed_by_the_measurement():
    ev = standard(claims=(_claim("Test accuracy: 90.0%", 0.9),))
    assert run_check("integrity", ev, {}).passed


def test_integrity_rejects_a_printed_but_false_accuracy():
    ev = standard(claims=(_claim("accuracy: 1.0", 1.0),))
    result = run_check("integrity", ev, {})
    assert codes(result) == ["integrity.claim"]
    assert result.messages[0].params["measured"] == 0.9


def test_integrity_accepts_a_claim_backed_by_an_evaluate_call_rounded_as_printed():
    test_rows = standard().roles.test
    call = EvaluateRecord(
        seq=30,
        cell=6,
        mid="m1",
        framework="keras",
        method="evaluate",
        x=test_rows,
        y=None,
        array=None,
        array_y=None,
        result=[0.31, 0.8666],
    )
    ev = standard(evaluations=(call,), measurements=(), claims=(_claim("test acc = 0.87", 0.87),))
    assert run_check("integrity", ev, {}).passed


def test_integrity_reports_tampering_and_faked_curves():
    fake = figure(axes([line("val_loss", (0.5, 0.2, 0.1))]))
    ev = standard(tampered=("sklearn.metrics.accuracy_score",), figures=(fake,))
    assert codes(run_check("integrity", ev, {})) == ["integrity.tampered", "integrity.curve"]
    assert codes(run_check("integrity", standard(probe_ok=False), {})) == ["integrity.probe_missing"]


def test_integrity_reports_results_changed_after_training():
    ev = standard(altered=("the History returned by fit in cell 7",))
    result = run_check("integrity", ev, {})
    assert codes(result) == ["integrity.altered"]


def test_a_whole_float_claim_is_exact_not_rounded():
    ev = standard(claims=(_claim("Akurasi data uji: 1.0", 1.0),), measurements=(measurement(accuracy=0.9508),))
    assert codes(run_check("integrity", ev, {})) == ["integrity.claim"]
    rounded = standard(claims=(_claim("Akurasi data uji: 0.95", 0.95),), measurements=(measurement(accuracy=0.9508),))
    assert run_check("integrity", rounded, {}).passed
