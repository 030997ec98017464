"""Loading a saved model in the re-evaluation worker: TensorFlow functions load as the Keras
built-ins they equal; a model that needs notebook code is refused, and the reason names it."""

from __future__ import annotations

import os

import numpy as np
import pytest

from grader.evidence.parse import activation_text
from grader.reeval.loading import LIBRARY_FUNCTIONS, ModelFileError, load_predictor, notebook_code

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

X = np.random.default_rng(1).normal(size=(32, 4)).astype("float32") * 3


def _dense(activation, name="dense_1"):
    return {
        "module": "keras.layers",
        "class_name": "Dense",
        "config": {"name": name, "trainable": True, "units": 3, "activation": activation},
        "registered_name": None,
    }


def _function(name):
    return {"module": "builtins", "class_name": "function", "config": name, "registered_name": "function"}


def test_each_library_function_equals_the_keras_builtin_it_loads_as():
    saved_as = {"softmax_v2": tf.nn.softmax, "log_softmax_v2": tf.nn.log_softmax, "swish": tf.nn.swish}
    assert set(saved_as) == set(LIBRARY_FUNCTIONS)
    for saved, function in saved_as.items():
        assert keras.activations.serialize(function)["config"] == saved
        builtin = getattr(keras.activations, LIBRARY_FUNCTIONS[saved])
        np.testing.assert_allclose(np.asarray(function(X)), np.asarray(builtin(X)), atol=1e-6)


def test_architecture_scan_names_what_needs_notebook_code():
    model = {
        "class_name": "Sequential",
        "config": {
            "layers": [
                _dense("relu", "ok"),
                _dense(_function("softmax_v2"), "tfnn"),
                _dense(_function("relu"), "named_relu"),
                _dense({"value": ["4wEAAAAAAAAA", None, None]}, "anon"),
                _dense(_function("aktivasiku"), "mine"),
                {
                    "module": None,
                    "class_name": "LapisanKu",
                    "config": {"name": "lapisan", "trainable": True},
                    "registered_name": "LapisanKu",
                },
                {
                    "module": "keras.layers",
                    "class_name": "Lambda",
                    "config": {
                        "name": "lam",
                        "trainable": True,
                        "function": {"class_name": "__lambda__", "config": {"value": ["4wEA", None, None]}},
                    },
                },
            ]
        },
    }
    assert notebook_code(model) == [
        "a lambda (layer anon)",
        "the function aktivasiku (layer mine)",
        "the class LapisanKu (layer lapisan)",
        "a Lambda layer (layer lam)",
    ]
    assert notebook_code({"class_name": "Sequential", "config": {"layers": [_dense("relu")]}}) == []


def test_saved_activation_configs_are_read_as_names():
    assert activation_text(_function("softmax_v2")) == "softmax_v2"
    assert activation_text({"value": ["4wEAAAAAAAAA", None, None]}) == "<lambda>"
    assert activation_text({"module": "keras.layers", "class_name": "LeakyReLU", "config": {}}) == "LeakyReLU"
    assert activation_text("relu") == "relu" and activation_text(None) is None


@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_a_model_built_with_tensorflow_functions_is_reevaluated_like_any_other(tmp_path, ext):
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation=tf.nn.relu),
            keras.layers.Dense(8, activation=tf.nn.swish),
            keras.layers.Dense(3, activation=tf.nn.softmax),
        ]
    )
    path = str(tmp_path / f"model{ext}")
    model.save(path)
    assert np.array_equal(load_predictor(path)(X), np.argmax(model.predict(X, verbose=0), axis=1))


def _own_activation(x):
    return x * 2


@pytest.mark.parametrize(
    ("activation", "named"), [(lambda t: t * 2, "a lambda"), (_own_activation, "the function _own_activation")]
)
def test_a_model_that_needs_notebook_code_is_refused_with_its_name(tmp_path, activation, named):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation=activation, name="keluaran")])
    path = str(tmp_path / "model.keras")
    model.save(path)
    with pytest.raises(ModelFileError, match=f"uses {named} \\(layer keluaran\\), written in the notebook"):
        load_predictor(path)
