"""``architecture`` on hand-made evidence."""

from __future__ import annotations

from factories import keras_model, standard

from grader.checks import run_check
from grader.models.evidence import LayerRecord, ModelRecord

from .helpers import codes

IRIS_LAYERS = [
    {"type": "Flatten"},
    {"type": "Dense", "units": 64, "activation": "relu"},
    {"type": "Dense", "units": 3, "activation": "softmax"},
]


def test_architecture_exact_layers_and_parameter_count():
    result = run_check("architecture", standard(), {"framework": "keras", "layers": IRIS_LAYERS, "param_count": 515})
    assert result.passed, result.messages
    assert result.evidence["layers"] == ["Flatten", "Dense 64 relu", "Dense 3 softmax"]


def test_architecture_folds_an_activation_layer_into_the_dense_before_it():
    layers = [
        LayerRecord(type="InputLayer"),
        LayerRecord(type="Flatten"),
        LayerRecord(type="Dense", units=64),
        LayerRecord(type="Activation", activation="relu"),
        LayerRecord(type="Dense", units=3),
        LayerRecord(type="Softmax"),
    ]
    ev = standard(models={"m1": keras_model(layers=layers)})
    assert run_check("architecture", ev, {"layers": IRIS_LAYERS}).passed


def test_architecture_names_the_first_wrong_layer():
    layers = [
        LayerRecord(type="Flatten"),
        LayerRecord(type="Dense", units=32, activation="relu"),
        LayerRecord(type="Dense", units=3, activation="softmax"),
    ]
    result = run_check(
        "architecture",
        standard(models={"m1": keras_model(layers=layers, params=259)}),
        {"layers": IRIS_LAYERS, "param_count": 515},
    )
    assert codes(result) == ["architecture.layer_mismatch", "architecture.param_count"]
    assert result.messages[0].params["position"] == 2


def test_architecture_output_units_accepts_a_list():
    ev = standard()
    assert run_check("architecture", ev, {"output_units": [3, 4], "output_activation": "softmax"}).passed
    assert codes(run_check("architecture", ev, {"output_units": [4, 5]})) == ["architecture.output_units"]


def test_sklearn_model_when_keras_is_required():
    mlp = ModelRecord(
        seq=1,
        cell=1,
        mid="m1",
        framework="sklearn",
        cls="MLPClassifier",
        final_class="MLPClassifier",
        params={"hidden_layer_sizes": [100], "activation": "logistic", "max_iter": 800},
    )
    ev = standard(models={"m1": mlp})
    assert codes(run_check("architecture", ev, {"framework": "keras"})) == ["architecture.wrong_framework"]
    ok = run_check(
        "architecture",
        ev,
        {
            "framework": "sklearn",
            "hidden_layer_sizes": [100],
            "activation": "logistic",
            "max_iter": 800,
            "model_class": "MLPClassifier",
        },
    )
    assert ok.passed, ok.messages
    assert codes(run_check("compile", ev, {})) == ["compile.not_keras"]


def test_architecture_any_model_finds_the_second_model():
    cnn = keras_model(
        "m2",
        layers=[
            LayerRecord(type="Conv2D", filters=16, activation="relu"),
            LayerRecord(type="Flatten"),
            LayerRecord(type="Dense", units=10, activation="softmax"),
        ],
        params=105866,
    )
    ev = standard(models={"m1": keras_model(), "m2": cnn})
    assert run_check("architecture", ev, {"model": "any", "param_count": 105866}).passed
    assert not run_check("architecture", ev, {"param_count": 105866}).passed


# -- activations given as functions (tf.nn.relu, tf.nn.softmax, a lambda, an activation layer) --


def _tf_functions_model(hidden: str, output: str):
    layers = [
        LayerRecord(type="InputLayer"),
        LayerRecord(type="Dense", units=32, activation=hidden),
        LayerRecord(type="Dense", units=16, activation=hidden),
        LayerRecord(type="Dense", units=4, activation=output),
    ]
    return standard(models={"m1": keras_model(layers=layers, params=1044)})


def test_tensorflow_functions_count_as_the_activations_they_compute():
    # tf.nn.softmax is TensorFlow's softmax_v2; the probe names it softmax, older evidence said softmax_v2
    params = {"output_units": 4, "output_activation": "softmax", "hidden_activation": "relu", "min_hidden_layers": 1}
    for output in ("softmax", "softmax_v2"):
        result = run_check("architecture", _tf_functions_model("relu", output), params)
        assert result.passed, result.messages
        assert result.evidence["layers"] == ["Dense 32 relu", "Dense 16 relu", "Dense 4 softmax"]


def test_a_lambda_activation_is_named_lambda_not_its_serialized_config():
    result = run_check("architecture", _tf_functions_model("lambda", "softmax"), {"hidden_activation": "relu"})
    assert codes(result) == ["architecture.hidden_activation"]
    assert result.messages[0].params == {"found": "lambda", "expected": ["relu"]}


def test_a_wrong_output_function_is_named_as_written():
    result = run_check("architecture", _tf_functions_model("relu", "sigmoid"), {"output_activation": "softmax"})
    assert result.messages[0].params == {"found": "sigmoid", "expected": ["softmax"]}
    swish = run_check("architecture", _tf_functions_model("silu", "softmax"), {"hidden_activation": "swish"})
    assert swish.passed  # tf.nn.swish is saved by Keras as silu


def test_activation_layers_fold_into_the_layer_before_them():
    layers = [
        LayerRecord(type="Dense", units=32),
        LayerRecord(type="LeakyReLU"),
        LayerRecord(type="Dense", units=16),
        LayerRecord(type="ReLU"),
        LayerRecord(type="Dense", units=4),
        LayerRecord(type="Activation", activation="softmax"),
    ]
    ev = standard(models={"m1": keras_model(layers=layers)})
    result = run_check(
        "architecture", ev, {"output_activation": "softmax", "hidden_activation": ["relu", "leaky_relu"]}
    )
    assert result.passed, result.messages
    assert result.evidence["layers"] == ["Dense 32 leaky_relu", "Dense 16 relu", "Dense 4 softmax"]
