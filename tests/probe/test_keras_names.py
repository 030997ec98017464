"""The probe's Keras records, without a kernel: activations given as functions are named as a
person names them, and the metrics Keras really built are recorded (probe -> events -> loader)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from grader.evidence.loader import load_evidence
from grader.models.execution import ExecutionOutcome
from grader.probe import hooks_keras
from grader.probe.keras_names import activation_name, compiled_metric_classes, given_metric_classes
from grader.probe.recorder import Recorder
from grader.probe.session import Session

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")


def _own_activation(x):
    return x * 2


def test_functions_are_named_as_a_person_names_them():
    assert activation_name(tf.nn.softmax) == "softmax"  # TensorFlow's softmax_v2
    assert activation_name(tf.nn.log_softmax) == "log_softmax"
    assert activation_name(tf.nn.relu) == "relu"
    assert activation_name(keras.activations.relu) == "relu"
    assert activation_name(tf.keras.activations.sigmoid) == "sigmoid"
    assert activation_name(lambda x: x) == "lambda"
    assert activation_name(_own_activation) == "_own_activation"
    assert activation_name(keras.layers.LeakyReLU()) == "LeakyReLU"
    assert activation_name("relu") == "relu" and activation_name(None) is None


def _session(tmp_path) -> Session:
    return Session(Recorder(str(tmp_path / "evidence")), {})


def _evidence(tmp_path):
    outcome = ExecutionOutcome(
        status="completed",
        reason=None,
        cells=(),
        duration_s=0.0,
        executed_notebook=None,
        evidence_dir=str(tmp_path / "evidence"),
    )
    return load_evidence(outcome)


def test_layers_record_the_activation_they_apply(tmp_path):
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation=tf.nn.relu),
            keras.layers.Dense(8, activation=lambda t: t * 2),
            keras.layers.Dense(8),
            keras.layers.LeakyReLU(),
            keras.layers.Dense(3, activation=tf.nn.softmax),
        ]
    )
    session = _session(tmp_path)
    session.recorder.emit("model", **hooks_keras.model_info(session, model))
    (record,) = _evidence(tmp_path).models.values()
    assert [layer.activation for layer in record.layers] == ["relu", "lambda", "linear", None, "softmax"]


def test_compile_and_fit_record_the_metric_classes_keras_built(tmp_path):
    session = _session(tmp_path)
    x = np.random.default_rng(0).random((40, 4)).astype("float32")
    y = keras.utils.to_categorical(np.arange(40) % 5, 5)
    compile_hook, fit_hook = hooks_keras._record_compile(session), hooks_keras._record_fit(session)
    for metrics in (["accuracy"], [keras.metrics.BinaryAccuracy(name="accuracy")]):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="softmax")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=metrics)
        compile_hook((model,), {"optimizer": "adam", "loss": "binary_crossentropy", "metrics": metrics}, None, 0.0)
        history = model.fit(x, y, epochs=1, verbose=0)
        fit_hook((model, x, y), {"epochs": 1, "verbose": 0}, history, 0.0)
    evidence = _evidence(tmp_path)
    assert [c.metrics for c in evidence.compiles] == [("accuracy",), ("accuracy",)]
    assert [c.metric_classes for c in evidence.compiles] == [{}, {"accuracy": "BinaryAccuracy"}]
    # Keras 3 picks the accuracy by the output's shape, not by the loss: categorical here
    assert [f.metric_classes for f in evidence.fits] == [
        {"accuracy": "CategoricalAccuracy"},
        {"accuracy": "BinaryAccuracy"},
    ]
    assert evidence.fits[0].y is not None and evidence.fits[0].y.shape == (40, 5)


def test_metric_helpers_on_their_own():
    given = given_metric_classes(["accuracy", keras.metrics.AUC(name="auc"), {"out": [keras.metrics.Precision()]}])
    assert given == {"auc": "AUC", "precision": "Precision"}
    assert compiled_metric_classes(object()) == {}
