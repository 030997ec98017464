"""architecture, compile, training and tuning on hand-made evidence."""

from __future__ import annotations

from dataclasses import replace

from factories import evidence, fit, keras_model, label_rows, rows, standard

from grader.checks import run_check
from grader.models.evidence import CompileRecord, LayerRecord, ModelRecord, SearchRecord, ValidationRecord

IRIS_LAYERS = [
    {"type": "Flatten"},
    {"type": "Dense", "units": 64, "activation": "relu"},
    {"type": "Dense", "units": 3, "activation": "softmax"},
]


def codes(result):
    return [m.code for m in result.messages]


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


def test_compile_normalises_names():
    ev = standard()
    assert run_check("compile", ev, {"optimizer": "adam", "loss": "CategoricalCrossentropy", "metrics": ["acc"]}).passed
    result = run_check("compile", ev, {"optimizer": "sgd", "loss": "sparse_categorical_crossentropy"})
    assert codes(result) == ["compile.optimizer", "compile.loss"]


def test_compile_missing_is_reported_with_the_lesson_typo_hint():
    ev = standard(compiles=())
    assert codes(run_check("compile", ev, {})) == ["compile.not_compiled"]


def test_training_epochs_batch_and_validation():
    ev = standard()
    assert run_check("training", ev, {"epochs": 5, "batch_size": 32, "validation": "required"}).passed
    result = run_check("training", ev, {"epochs": 64, "batch_size": 5})
    assert codes(result) == ["training.epochs", "training.batch_size"]


def test_training_loss_must_go_down():
    flat = fit(x=rows(10), history={"loss": (0.5, 0.6, 0.7)})
    ev = standard(fits=(flat,))
    assert codes(run_check("training", ev, {})) == ["training.loss_not_decreasing"]


def _tuning_evidence(validation_rows, n_configs: int):
    train = rows(100, 0)
    models, fits, compiles = {}, [], []
    for i in range(n_configs):
        mid = f"m{i + 1}"
        models[mid] = keras_model(
            mid,
            layers=[
                LayerRecord(type="Dense", units=8 * (i + 1), activation="relu"),
                LayerRecord(type="Dense", units=3, activation="softmax"),
            ],
        )
        compiles.append(
            CompileRecord(seq=i, cell=1, mid=mid, optimizer="Adam", learning_rate=0.001, loss="x", metrics=())
        )
        fits.append(
            fit(
                mid,
                x=train,
                y=label_rows([0, 1] * 50),
                seq=10 + i,
                validation=ValidationRecord(mode="data", x=validation_rows),
            )
        )
    return models, tuple(fits), tuple(compiles), train


def test_tuning_counts_configurations_compared_on_validation_data():
    val, test = rows(20, 500), rows(20, 900)
    models, fits, compiles, train = _tuning_evidence(val, 3)
    ev = standard(models=models, fits=fits, compiles=compiles)
    ev = replace(ev, roles=replace(ev.roles, final_mid="m3", train=train, validation=val, test=test))
    result = run_check("tuning", ev, {"min_configs": 3})
    assert result.passed, result.messages


def test_tuning_on_the_test_set_is_named():
    test = rows(20, 900)
    models, fits, compiles, train = _tuning_evidence(test, 3)
    ev = standard(models=models, fits=fits, compiles=compiles)
    ev = replace(ev, roles=replace(ev.roles, final_mid="m3", train=train, validation=test, test=test))
    assert codes(run_check("tuning", ev, {"min_configs": 2})) == ["tuning.on_test"]


def test_tuning_single_run_is_too_few():
    assert codes(run_check("tuning", standard(), {"min_configs": 2})) == ["tuning.too_few"]


def test_grid_search_counts_as_tuning():
    search = SearchRecord(
        seq=1, cell=1, mid="m1", method="GridSearchCV", n_candidates=6, candidates=(), scores=(), best_params=None
    )
    assert run_check("tuning", evidence(searches=(search,)), {"min_configs": 4}).passed
