"""A run whose loss is NaN learned nothing: it passes no training, tuning or loss-plot item, and
the feedback names the cause the data shows (missing values in the training rows)."""

from __future__ import annotations

from dataclasses import replace

from factories import keras_model, rows, standard

from grader.checks import run_check
from grader.models.evidence import CompileRecord, LayerRecord

from .crashes import nan_fit, text
from .helpers import axes, codes, figure, line


def nan_tuning(n_runs: int, healthy: int = 0):
    """``n_runs`` configurations (8, 16, ... units), the first ``healthy`` of them learned."""
    models, fits, compiles = {}, [], []
    for i in range(n_runs):
        mid = f"m{i + 1}"
        models[mid] = keras_model(
            mid,
            layers=[
                LayerRecord(type="Dense", units=8 * (i + 1), activation="relu"),
                LayerRecord(type="Dense", units=5, activation="softmax"),
            ],
        )
        compiles.append(
            CompileRecord(seq=i, cell=1, mid=mid, optimizer="Adam", learning_rate=0.001, loss="x", metrics=())
        )
        run = nan_fit(10 + i, 8 * (i + 1), mid=mid)
        if i < healthy:
            run = replace(run, history={"loss": (1.2, 0.8, 0.6), "val_loss": (1.3, 0.9, 0.7)})
        fits.append(run)
    ev = standard(models=models, fits=tuple(fits), compiles=tuple(compiles))
    return replace(ev, roles=replace(ev.roles, final_mid=f"m{n_runs}", validation=fits[0].validation.x))


def test_training_on_nan_fails_and_names_the_missing_values():
    result = run_check("training", nan_tuning(1), {"validation": "required"})
    assert result.judged and not result.passed and result.fraction == 0.0
    assert codes(result) == ["nan.missing_values"]
    assert "the training data still holds missing values (40 of its 400 rows)" in text(result)
    assert "no training history" not in text(result).lower()


def test_tuning_counts_no_configuration_that_learned_nothing():
    result = run_check("tuning", nan_tuning(4), {"min_configs": 3})
    assert not result.passed
    assert codes(result) == ["tuning.too_few", "tuning.nan_runs", "nan.missing_values"]
    assert result.evidence["configurations_on_validation"] == 0 and result.evidence["nan_runs"] == 4


def test_tuning_with_some_runs_nan_counts_the_others_and_notes_the_rest():
    result = run_check("tuning", nan_tuning(4, healthy=3), {"min_configs": 3})
    assert result.passed and codes(result) == ["tuning.ok", "tuning.nan_runs"]
    assert result.messages[1].params == {"count": 1}
    assert not run_check("tuning", nan_tuning(4, healthy=2), {"min_configs": 3}).passed


def test_a_plot_of_nan_losses_is_not_a_loss_plot():
    nothing = (None, None, None)
    drawn = figure(axes([line("loss", nothing), line("val_loss", nothing)], ylabel="Loss"))
    ev = replace(nan_tuning(2), figures=(drawn,))
    result = run_check("loss_plot", ev, {})
    assert result.judged and not result.passed
    assert codes(result) == ["loss_plot.nan", "nan.missing_values"]
    assert not run_check("loss_plot", ev, {"match_history": False}).passed


def test_only_the_runs_that_learned_are_matched_and_labels_need_numbers():
    ev = nan_tuning(2, healthy=1)
    good = figure(axes([line("loss", (1.2, 0.8, 0.6)), line("val_loss", (1.3, 0.9, 0.7))]))
    assert run_check("loss_plot", replace(ev, figures=(good,)), {}).passed
    empty = figure(axes([line("train loss", (None, None, None)), line("val loss", (None, None, None))]))
    sklearn_like = standard(fits=(replace(ev.fits[0], history={"loss": (1.2, 0.8, 0.6)}),), figures=(empty,))
    assert not run_check("loss_plot", sklearn_like, {}).passed  # labels alone, but no finite points


def test_a_training_run_that_diverged_late_learned_nothing_either():
    nan = float("nan")
    run = replace(nan_fit(10, 16, missing=0, mid="m1"), history={"loss": (0.9, 0.7, nan), "val_loss": (1, 1, nan)})
    ev = standard(fits=(run,))
    result = run_check("training", ev, {})
    assert not result.passed and codes(result) == ["nan.diverged"]
    assert rows(3).missing is None  # a row set the probe did not count says nothing about NaN


def test_the_quality_of_a_model_trained_on_nan_names_the_nan_not_only_the_one_class():
    from factories import measurement

    ev = replace(nan_tuning(1), measurements=(measurement(accuracy=0.88, macro_f1=0.23, predicted=1, majority=0.88),))
    result = run_check("metric", ev, {"metric": "macro_f1", "min": 0.5, "min_predicted_classes": 3})
    assert not result.passed and codes(result) == ["metric.one_class", "metric.below", "nan.missing_values"]
