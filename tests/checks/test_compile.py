"""``compile`` on hand-made evidence."""

from __future__ import annotations

from factories import standard

from grader.checks import run_check

from .helpers import codes


def test_compile_normalises_names():
    ev = standard()
    assert run_check("compile", ev, {"optimizer": "adam", "loss": "CategoricalCrossentropy", "metrics": ["acc"]}).passed
    result = run_check("compile", ev, {"optimizer": "sgd", "loss": "sparse_categorical_crossentropy"})
    assert codes(result) == ["compile.optimizer", "compile.loss"]


def test_compile_missing_is_reported_with_the_lesson_typo_hint():
    ev = standard(compiles=())
    assert codes(run_check("compile", ev, {})) == ["compile.not_compiled"]


# -- what Keras really computed: binary accuracy on one-hot multi-class labels --


def _onehot(n: int, classes: int):
    from dataclasses import replace

    from factories import label_rows

    return replace(label_rows([i % classes for i in range(n)]), shape=(n, classes))


def _compiled(loss="categorical_crossentropy", metrics=("accuracy",), given=None, built=None, classes=5):
    from dataclasses import replace

    ev = standard()
    record = replace(ev.compiles[0], loss=loss, metrics=metrics, metric_classes=given or {})
    run = replace(ev.fits[0], y=_onehot(108, classes), metric_classes=built or {})
    return standard(compiles=(record,), fits=(run,))


HCV = {"loss": ["categorical_crossentropy", "sparse_categorical_crossentropy"], "metrics": ["accuracy"]}


def test_an_accuracy_keras_computed_as_binary_accuracy_is_called_out():
    # BinaryAccuracy(name="accuracy"): the compile record says "accuracy", Keras built BinaryAccuracy
    ev = _compiled(given={"accuracy": "BinaryAccuracy"}, built={"accuracy": "BinaryAccuracy"})
    result = run_check("compile", ev, HCV)
    assert codes(result) == ["compile.binary_accuracy"]
    assert result.messages[0].params == {"name": "accuracy", "classes": 5, "floor": 0.8}
    assert result.evidence["binary_accuracy"] == ["accuracy"]


def test_the_binary_accuracy_string_is_called_out_even_before_keras_resolved_it():
    result = run_check("compile", _compiled(metrics=("binary_accuracy",)), HCV)
    assert codes(result) == ["compile.binary_accuracy"]


def test_accuracy_resolved_by_keras_as_categorical_passes():
    ev = _compiled(built={"accuracy": "CategoricalAccuracy"})
    assert run_check("compile", ev, HCV).passed
    # two classes: binary accuracy is plain accuracy there
    assert run_check("compile", _compiled(metrics=("binary_accuracy",), classes=2), HCV).passed


def test_binary_crossentropy_on_many_classes_names_the_reason():
    # Keras 3 resolves "accuracy" by the output's shape (CategoricalAccuracy here): only the loss is wrong
    ev = _compiled(loss="binary_crossentropy", built={"accuracy": "CategoricalAccuracy"})
    result = run_check("compile", ev, HCV)
    assert codes(result) == ["compile.binary_loss"] and result.fraction == 0.5
    assert result.messages[0].params == {"found": "binary_crossentropy", "classes": 5}
    both = run_check("compile", _compiled(loss="binary_crossentropy", built={"accuracy": "BinaryAccuracy"}), HCV)
    assert codes(both) == ["compile.binary_loss", "compile.binary_accuracy"] and both.fraction == 0.0
