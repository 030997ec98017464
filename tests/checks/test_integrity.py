"""``integrity`` on hand-made evidence."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from factories import label_rows, measurement, standard

from grader.checks import run_check
from grader.checks.printed import as_printed, supports
from grader.i18n import render
from grader.models.evidence import ClaimRecord, EvaluateRecord, MetricCallRecord, PredictRecord

from .helpers import axes, codes, figure, line


def _claim(text, value, qualifier="test"):
    return ClaimRecord(cell=7, metric="accuracy", value=value, qualifier=qualifier, text=text)


def test_integrity_accepts_a_claim_backed_by_the_measurement():
    ev = standard(claims=(_claim("Test accuracy: 90.0%", 0.9),))
    assert run_check("integrity", ev, {}).passed


def test_integrity_rejects_a_printed_but_false_accuracy():
    ev = standard(claims=(_claim("accuracy: 1.0", 1.0),))
    result = run_check("integrity", ev, {})
    assert codes(result) == ["integrity.claim_test"]
    assert result.messages[0].params["measured"] == "0.9000"  # "1.0" is an exact float: 4 places


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
    assert codes(run_check("integrity", ev, {})) == ["integrity.claim_test"]
    rounded = standard(claims=(_claim("Akurasi data uji: 0.95", 0.95),), measurements=(measurement(accuracy=0.9508),))
    assert run_check("integrity", rounded, {}).passed


# -- numbers the notebook really computed, compared at the precision they were printed with --

TRUTH = [0] * 9 + [1] * 3 + [2] * 3  # 15 test rows
GUESS = [0] * 9 + [1, 2, 2] + [2, 2, 0]  # 12 of 15 right: accuracy 0.8, balanced (1 + 1/3 + 2/3) / 3
NAMES = np.array(["Donor", "Hepatitis", "Fibrosis"])


def _predicted_and_scored(func="accuracy_score", y_true=TRUTH, y_pred=GUESS, claims=()):
    test_rows = standard().roles.test
    predict = PredictRecord(
        seq=20,
        cell=6,
        mid="m1",
        framework="keras",
        method="predict",
        x=test_rows,
        array=None,
        output=label_rows(GUESS),
    )
    call = MetricCallRecord(
        seq=21, cell=6, func=func, y_true=label_rows(list(y_true)), y_pred=label_rows(list(y_pred)), value=None
    )
    # the grader's own measurement differs on purpose: only the notebook's computation backs the claim
    return standard(
        predictions=(predict,), metric_calls=(call,), measurements=(measurement(accuracy=0.7333),), claims=claims
    )


def test_accuracy_score_on_real_predictions_backs_claims_rounded_to_2_and_4_places_and_as_percent():
    claims = (_claim("Akurasi = 0.8", 0.8), _claim("Akurasi = 0.80", 0.8), _claim("Akurasi: 80.00%", 0.8))
    result = run_check("integrity", _predicted_and_scored(claims=claims), {})
    assert result.passed, result.messages


def test_accuracy_score_with_swapped_arguments_is_still_a_computation():
    claims = (_claim("Akurasi uji: 0.8000", 0.8),)
    assert run_check("integrity", _predicted_and_scored(y_true=GUESS, y_pred=TRUTH, claims=claims), {}).passed


def test_accuracy_score_on_class_names_is_the_same_computation():
    renamed = _predicted_and_scored(y_true=NAMES[TRUTH], y_pred=NAMES[GUESS], claims=(_claim("acc: 0.80", 0.8),))
    assert run_check("integrity", renamed, {}).passed


def test_comparing_the_labels_with_themselves_is_still_no_computation():
    ev = _predicted_and_scored(y_pred=TRUTH, claims=(_claim("Akurasi uji: 1.0", 1.0),))
    assert codes(run_check("integrity", ev, {})) == ["integrity.claim_test"]


def test_balanced_accuracy_is_recomputed_by_the_grader():
    ev = _predicted_and_scored(func="balanced_accuracy_score", claims=(_claim("Balanced accuracy: 0.6667", 0.6667),))
    assert run_check("integrity", ev, {}).passed


def test_keras_evaluate_sklearn_score_and_the_training_history_back_claims():
    test_rows = standard().roles.test
    keras_eval = EvaluateRecord(
        seq=30,
        cell=6,
        mid="m1",
        framework="keras",
        method="evaluate",
        x=test_rows,
        y=None,
        array=None,
        array_y=None,
        result=[0.8320022225379944, 0.9344262480735779],
    )
    sk_score = EvaluateRecord(
        seq=31,
        cell=7,
        mid="m2",
        framework="sklearn",
        method="score",
        x=test_rows,
        y=None,
        array=None,
        array_y=None,
        result={"score": 0.9180327868852459},
    )
    run = replace(
        standard().fits[0], history={"loss": (0.5, 0.3), "accuracy": (0.88, 0.9123), "val_accuracy": (0.85, 0.89)}
    )
    claims = (
        _claim("Test accuracy: 0.9344262480735779", 0.9344262480735779),
        _claim("Akurasi evaluate: 0.93", 0.93),
        _claim("Test accuracy (MLP): 91.80%", 0.918),
        _claim("val_accuracy: 0.89", 0.89, qualifier="validation"),
        _claim("accuracy = 0.9123", 0.9123, qualifier="unknown"),
    )
    ev = standard(evaluations=(keras_eval, sk_score), fits=(run,), measurements=(), claims=claims)
    result = run_check("integrity", ev, {})
    assert result.passed, result.messages


def test_a_number_cut_short_is_read_at_its_printed_precision():
    # int(acc * 100) prints 93 for 0.9399: the notebook's own number, truncated
    ev = standard(claims=(_claim("Akurasi: 93%", 0.93),), measurements=(measurement(accuracy=0.9399),))
    assert run_check("integrity", ev, {}).passed
    wrong = standard(claims=(_claim("Akurasi: 95%", 0.95),), measurements=(measurement(accuracy=0.9399),))
    assert codes(run_check("integrity", wrong, {})) == ["integrity.claim_test"]
    # only a whole percentage is read as cut short: a typed-in "0.93" is not backed by 0.9399
    typed = standard(claims=(_claim("Akurasi: 0.93", 0.93),), measurements=(measurement(accuracy=0.9399),))
    assert codes(run_check("integrity", typed, {})) == ["integrity.claim_test"]


def test_the_message_never_reads_as_the_claim_it_rejects():
    # the grader's number is shown at the claim's printed precision (a percentage as a percentage)
    ev = standard(claims=(_claim("Test accuracy: 0.9344", 0.9344),), measurements=(measurement(accuracy=0.9342),))
    message = run_check("integrity", ev, {}).messages[0]
    assert message.params["measured"] == "0.9342"
    percent = standard(claims=(_claim("Akurasi uji: 95.12%", 0.9512),), measurements=(measurement(accuracy=0.9344),))
    assert render(run_check("integrity", percent, {}).messages[0]).endswith("the grader measured 93.44% on them.")
    # whatever the numbers, a rejected claim and the measured number never read the same
    for text, claimed in (("acc: 0.93", 0.93), ("acc: 1.0", 1.0), ("acc: 93%", 0.93), ("acc: 0.9", 0.9)):
        claim = _claim(text, claimed)
        for measured in np.linspace(0.85, 1.0, 3001):
            if not supports(claim, float(measured)):
                assert as_printed(float(measured), claim).rstrip("%") not in text, (text, measured)


def test_each_claim_is_compared_with_the_measurement_of_its_own_rows():
    val = replace(measurement(accuracy=0.85), role="validation")
    ev = standard(
        claims=(
            _claim("val accuracy: 0.99", 0.99, qualifier="validation"),
            _claim("accuracy: 0.99", 0.99, qualifier="unknown"),
            _claim("training accuracy: 0.99", 0.99, qualifier="train"),
        ),
        measurements=(measurement(accuracy=0.9), val),
    )
    result = run_check("integrity", ev, {})
    assert codes(result) == ["integrity.claim_validation", "integrity.claim", "integrity.claim_unmeasured"]
    assert [m.params.get("measured") for m in result.messages] == ["0.85", "0.90", None]
    unmeasured = standard(claims=(_claim("Test accuracy: 0.99", 0.99),), measurements=())
    assert codes(run_check("integrity", unmeasured, {})) == ["integrity.claim_test_unmeasured"]
