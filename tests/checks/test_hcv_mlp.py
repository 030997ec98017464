"""The ``hcv`` rubric accepts any ANN the lesson teaches: every item on hand-made evidence of an
MLPClassifier solution (``fit`` with early stopping, or a ``partial_fit`` loop), its flaws named
in the MLP's own terms, and Keras verdicts unchanged."""

from __future__ import annotations

from dataclasses import replace

import pytest
from factories import keras_model, rows, standard
from factories_mlp import (
    LOSS,
    SCORES,
    axes,
    figure,
    line,
    mlp_fit,
    mlp_model,
    mlp_solution,
    partial_fit_loop,
    partial_fit_solution,
    predict,
)

from grader.checks import param_models, run_check
from grader.evidence.loops import with_epoch_losses
from grader.models.evidence import CompileRecord, LayerRecord
from grader.models.results import CheckResult
from grader.rubric.loader import load_rubric
from grader.rubric.locate import find_rubric

from .helpers import codes

RUBRIC = load_rubric(str(find_rubric("hcv")), param_models())
ITEMS = {item.id: item for item in RUBRIC.items}


def item(item_id: str, ev) -> CheckResult:
    """The verdict of one hcv item on ``ev``."""
    return run_check(ITEMS[item_id].check, ev, dict(ITEMS[item_id].params))


def failed(ev) -> list[str]:
    """The hcv items ``ev`` does not pass."""
    return [i for i in ITEMS if not item(i, ev).passed]


# -- a good MLPClassifier solution scores full marks ------------------------------------------


def test_an_mlp_solution_with_early_stopping_passes_every_hcv_item():
    assert failed(mlp_solution()) == []


def test_each_item_says_what_the_mlp_did():
    ev = mlp_solution()
    assert codes(item("hcv.architecture", ev)) == ["architecture.ok"]
    assert item("hcv.architecture", ev).evidence["layers"] == ["Dense 16 relu", "Dense 8 relu", "Dense 4 softmax"]
    compiled = item("hcv.compile", ev)
    assert codes(compiled) == ["compile.ok_sklearn"]
    assert compiled.messages[0].params == {
        "model": "MLPClassifier",
        "solver": "adam",
        "loss": "categorical_crossentropy",
        "metric": "accuracy",
    }
    assert compiled.evidence["learning_rate"] == 0.001
    trained = item("hcv.training", ev)
    assert codes(trained) == ["training.ok"]
    assert trained.evidence["early_stopping"] is True and trained.evidence["epochs_run"] == len(LOSS)
    assert (
        codes(item("hcv.tuning", ev)) == ["tuning.ok"]
        and item("hcv.tuning", ev).evidence["configurations_on_validation"] == 3
    )
    assert codes(item("hcv.loss_plot", ev)) == ["loss_plot.ok_sklearn"]


def test_loss_curve_and_validation_scores_count_on_one_axes_too():
    one = figure(axes(line("loss", LOSS), line("val score", SCORES)))
    assert codes(item("hcv.loss_plot", mlp_solution(figures=(one,)))) == ["loss_plot.ok_sklearn"]


def test_a_partial_fit_loop_becomes_one_run_with_its_own_loss_curves():
    records, losses = partial_fit_loop()
    ev = with_epoch_losses(mlp_solution(**records))
    last = ev.fits[-1]
    # the losses after each epoch, not the one-off test loss after the loop
    assert {k: last.history[k] for k in ("train_log_loss", "val_loss")} == losses
    assert all("val_loss" not in f.history for f in ev.fits[:-1])


def test_an_mlp_solution_by_partial_fit_passes_every_hcv_item():
    ev, _ = partial_fit_solution()
    ev = with_epoch_losses(ev)
    assert failed(ev) == []
    assert codes(item("hcv.loss_plot", ev)) == ["loss_plot.ok"]
    assert codes(item("hcv.compile", ev)) == ["compile.ok_sklearn"]
    # each loop is one configuration, however many epochs (partial_fit calls) it ran
    assert item("hcv.tuning", ev).evidence["configurations_on_validation"] == 3


def test_a_loop_curve_that_is_not_the_computed_losses_is_not_a_loss_plot():
    fake = figure(axes(line("loss latih", (0.9, 0.5, 0.3, 0.1)), line("loss validasi", (1.0, 0.6, 0.4, 0.2))))
    ev, _ = partial_fit_solution(figures=(fake,))
    assert codes(item("hcv.loss_plot", with_epoch_losses(ev))) == ["loss_plot.not_from_history"]


def test_a_loop_without_validation_losses_plots_the_training_loss_only():
    ev, chosen = partial_fit_solution()
    kept = tuple(m for m in ev.metric_calls if not (m.func == "log_loss" and m.y_true is not None and m.y_true.n == 92))
    alone = figure(axes(line("loss latih", chosen["train_log_loss"])))
    ev = with_epoch_losses(replace(ev, metric_calls=kept, figures=(alone,)))
    assert "val_loss" not in ev.fits[-1].history
    assert codes(item("hcv.loss_plot", ev)) == ["loss_plot.no_validation_curve_sklearn"]


def test_a_loop_validated_by_its_own_validation_losses():
    ev, _ = partial_fit_solution()
    no_roles = replace(ev.roles, validation=None, validation_mode="none")
    assert item("hcv.training", with_epoch_losses(replace(ev, roles=no_roles))).passed
    kept = tuple(m for m in ev.metric_calls if not (m.func == "log_loss" and m.y_true is not None and m.y_true.n == 92))
    ev = with_epoch_losses(replace(ev, roles=no_roles, metric_calls=kept))
    assert codes(item("hcv.training", ev)) == ["training.no_validation_sklearn"]


def test_a_loss_belongs_to_the_model_whose_prediction_it_scores():
    records, _ = partial_fit_loop()
    # another model predicted just before each loss, or the loss computed in another cell: not the loop's
    other = tuple(replace(p, mid="m9") for p in records["predictions"])
    elsewhere = tuple(replace(m, cell=9) for m in records["metric_calls"])
    for changed in ({"predictions": other}, {"metric_calls": elsewhere}):
        ev = with_epoch_losses(mlp_solution(**{**records, **changed}))
        assert set(ev.fits[-1].history) == {"loss"}


def test_mini_batches_are_training_rows_not_a_validation_set():
    records, _ = partial_fit_loop()
    batches = [replace(f, x=rows(212, 0 if i % 2 else 212, width=12)) for i, f in enumerate(records["fits"])]
    ev = with_epoch_losses(mlp_solution(**{**records, "fits": tuple(batches)}))
    assert set(ev.fits[-1].history) == {"loss", "train_log_loss", "val_loss"}


# -- flaws, named in the MLP's terms ----------------------------------------------------------


def test_a_model_that_is_not_a_network_fails_architecture_and_compile():
    forest = replace(
        mlp_model("m2"),
        cls="RandomForestClassifier",
        final_class="RandomForestClassifier",
        layer_sizes=(),
        out_activation=None,
        params={"n_estimators": 100},
    )
    ev = mlp_solution(models={**mlp_solution().models, "m2": forest})
    assert codes(item("hcv.architecture", ev)) == ["architecture.model_class"]
    assert codes(item("hcv.compile", ev)) == ["compile.not_network"]
    # without model_class the network questions still need layers
    assert codes(run_check("architecture", ev, {"output_units": [4]})) == ["architecture.not_network"]


def test_one_hot_labels_give_an_mlp_logistic_outputs_and_binary_cross_entropy():
    one_hot = mlp_model("m2", out_activation="logistic")
    ev = mlp_solution(models={**mlp_solution().models, "m2": one_hot})
    assert codes(item("hcv.architecture", ev)) == ["architecture.output_activation"]
    assert codes(item("hcv.compile", ev)) == ["compile.loss_sklearn"]
    assert item("hcv.compile", ev).messages[0].params["found"] == "binary_crossentropy"


def test_mlp_architecture_questions_have_an_mlp_meaning():
    ev = mlp_solution(models={**mlp_solution().models, "m2": mlp_model("m2", hidden=(), n_out=4)})
    assert codes(item("hcv.architecture", ev)) == ["architecture.hidden_layers"]
    ev = mlp_solution()
    assert codes(run_check("architecture", ev, {"hidden_activation": "tanh"})) == ["architecture.hidden_activation"]
    assert run_check("architecture", ev, {"param_count": 12 * 16 + 16 + 16 * 8 + 8 + 8 * 4 + 4}).passed
    layers = [{"type": "Dense", "units": 16}, {"type": "Dense", "units": 8}, {"type": "Dense", "units": 4}]
    assert run_check("architecture", ev, {"layers": layers}).passed


def test_a_rubric_can_still_require_one_framework():
    ev = mlp_solution()
    assert codes(run_check("architecture", ev, {"framework": "keras"})) == ["architecture.wrong_framework"]
    assert codes(run_check("compile", ev, {})) == ["compile.not_keras"]  # compile's default: Keras
    assert codes(run_check("compile", standard(), {"framework": "sklearn"})) == ["compile.wrong_framework"]


def test_compile_settings_of_an_mlp():
    ev = mlp_solution()
    assert run_check("compile", ev, {"framework": "any", "optimizer": "adam", "learning_rate": 0.001}).passed
    assert codes(run_check("compile", ev, {"framework": "any", "optimizer": "sgd"})) == ["compile.optimizer"]
    lbfgs = mlp_model("m2", solver="lbfgs")
    ev = mlp_solution(models={**mlp_solution().models, "m2": lbfgs})
    assert run_check("compile", ev, {"framework": "any"}).evidence["learning_rate"] is None
    regressor = mlp_model("m2", cls="MLPRegressor", out_activation="identity", n_out=1)
    ev = mlp_solution(models={**mlp_solution().models, "m2": regressor})
    assert codes(item("hcv.compile", ev)) == ["compile.loss_sklearn", "compile.metrics"]


def test_an_mlp_without_validation_is_told_how_to_validate_it():
    train = mlp_solution().roles.train
    ev = mlp_solution(
        fits=(mlp_fit("m2", train, seq=20, early_stopping=False),),
        roles=replace(mlp_solution().roles, validation=None, validation_mode="none"),
    )
    assert codes(item("hcv.training", ev)) == ["training.no_validation_sklearn"]


def test_an_lbfgs_mlp_keeps_no_loss_curve():
    train = mlp_solution().roles.train
    fit = replace(mlp_fit("m2", train, seq=20, history={}), hyperparams={"solver": "lbfgs"})
    ev = mlp_solution(fits=(fit,))
    assert codes(item("hcv.training", ev)) == ["training.no_history_sklearn"]
    assert item("hcv.training", ev).messages[0].params == {"solver": "lbfgs"}


def test_max_iter_is_the_mlp_meaning_of_epochs():
    ev = mlp_solution()
    assert run_check("training", ev, {"epochs": 500}).passed
    assert codes(run_check("training", ev, {"epochs": 200})) == ["training.max_iter"]


def test_a_plot_of_the_training_loss_alone_asks_for_the_mlp_validation_curve():
    alone = figure(axes(line("loss", LOSS)))
    assert codes(item("hcv.loss_plot", mlp_solution(figures=(alone,)))) == ["loss_plot.no_validation_curve_sklearn"]
    scores_only = figure(axes(line("validasi", SCORES)))
    assert codes(item("hcv.loss_plot", mlp_solution(figures=(scores_only,)))) == ["loss_plot.accuracy_not_loss"]


def test_an_mlp_tuned_on_the_test_set():
    base = mlp_solution()
    train, test = base.roles.train, base.roles.test
    fits = tuple(mlp_fit(m, train, seq=10 + 10 * i, early_stopping=False) for i, m in enumerate(("m1", "m2", "m3")))
    judged = tuple(predict(m, test, seq=11 + 10 * i) for i, m in enumerate(("m1", "m2", "m3")))
    ev = mlp_solution(
        fits=fits,
        predictions=judged,
        roles=replace(base.roles, validation=None, validation_mode="none"),
    )
    assert codes(item("hcv.tuning", ev)) == ["tuning.on_test"]
    assert codes(item("hcv.leakage", ev)) == ["leakage.test_chooses_model"]
    assert codes(item("hcv.training", ev)) == ["training.no_validation_sklearn"]


# -- Keras verdicts are what they were ---------------------------------------------------------

OLD_ARCHITECTURE = {
    "framework": "keras",
    "output_units": [4, 5],
    "output_activation": "softmax",
    "min_hidden_layers": 1,
}
OLD_COMPILE = {"loss": ["categorical_crossentropy", "sparse_categorical_crossentropy"], "metrics": ["accuracy"]}
HCV_LAYERS = [
    LayerRecord(type="Dense", units=16, activation="relu", params=208),
    LayerRecord(type="Dense", units=4, activation="softmax", params=68),
]


def _keras(layers=HCV_LAYERS, loss="sparse_categorical_crossentropy", metrics=("accuracy",), compiled=True):
    compiles = (
        (CompileRecord(seq=5, cell=1, mid="m1", optimizer="Adam", learning_rate=0.001, loss=loss, metrics=metrics),)
        if compiled
        else ()
    )
    return standard(models={"m1": keras_model(layers=layers, params=276)}, compiles=compiles)


@pytest.mark.parametrize(
    "ev",
    [
        _keras(),
        _keras(layers=[HCV_LAYERS[0], replace(HCV_LAYERS[1], activation="sigmoid")]),
        _keras(layers=[HCV_LAYERS[0], replace(HCV_LAYERS[1], units=1)]),
        _keras(layers=[HCV_LAYERS[1]]),
        _keras(loss="mean_squared_error"),
        _keras(metrics=()),
        _keras(compiled=False),
    ],
    ids=["good", "sigmoid", "one_unit", "no_hidden", "mse", "no_accuracy", "not_compiled"],
)
def test_keras_architecture_and_compile_verdicts_are_unchanged(ev):
    for new, check, old in (
        ("hcv.architecture", "architecture", OLD_ARCHITECTURE),
        ("hcv.compile", "compile", OLD_COMPILE),
    ):
        before, after = run_check(check, ev, old), item(new, ev)
        assert (after.passed, after.fraction, after.messages) == (before.passed, before.fraction, before.messages)


def test_keras_loss_plot_rules_are_unchanged():
    # a Keras run's accuracy curves on two Axes are still accuracy, not loss
    keras = standard()
    run = replace(keras.fits[0], history={"loss": (1.0, 0.5), "val_accuracy": (0.5, 0.8)})
    two = figure(axes(line("loss", (1.0, 0.5))), axes(line("val acc", (0.5, 0.8))))
    assert codes(item("hcv.loss_plot", standard(fits=(run,), figures=(two,)))) == ["loss_plot.no_validation_curve"]
