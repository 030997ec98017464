"""``loss_plot`` on hand-made evidence."""

from __future__ import annotations

from factories import fit, rows, standard

from grader.checks import run_check

from .helpers import axes, codes, figure, line


def test_loss_plot_matches_the_recorded_history():
    ev = standard(figures=(figure(axes([line("train", (1.0, 0.8, 0.5)), line("val", (1.1, 0.9, 0.7))])),))
    assert run_check("loss_plot", ev, {}).passed


def test_loss_plot_without_validation_curve():
    ev = standard(figures=(figure(axes([line("loss", (1.0, 0.8, 0.5))])),))
    assert codes(run_check("loss_plot", ev, {})) == ["loss_plot.no_validation_curve"]
    assert run_check("loss_plot", ev, {"require_validation": False}).passed


def test_loss_plot_of_accuracy_only():
    run = fit(
        x=rows(10),
        history={"loss": (1.0, 0.5), "val_loss": (1.1, 0.6), "accuracy": (0.5, 0.8), "val_accuracy": (0.4, 0.7)},
    )
    ev = standard(fits=(run,), figures=(figure(axes([line("acc", (0.5, 0.8)), line("val_acc", (0.4, 0.7))])),))
    assert codes(run_check("loss_plot", ev, {})) == ["loss_plot.accuracy_not_loss"]


def test_loss_plot_two_runs_in_one_figure():
    a = fit("m1", x=rows(10), history={"loss": (1.0, 0.5), "val_loss": (1.2, 0.7)}, seq=10)
    b = fit("m2", x=rows(10), history={"loss": (0.9, 0.3), "val_loss": (1.0, 0.4)}, seq=20)
    both = figure(
        axes(
            [line("mlp", (1.0, 0.5)), line("mlp val", (1.2, 0.7)), line("cnn", (0.9, 0.3)), line("cnn val", (1.0, 0.4))]
        )
    )
    one = figure(axes([line("mlp", (1.0, 0.5)), line("mlp val", (1.2, 0.7))]))
    assert run_check("loss_plot", standard(fits=(a, b), figures=(both,)), {"min_runs": 2}).passed
    assert codes(run_check("loss_plot", standard(fits=(a, b), figures=(one,)), {"min_runs": 2})) == [
        "loss_plot.too_few_runs"
    ]


def test_loss_plot_labelled_but_not_from_history():
    fake = figure(axes([line("loss", (0.9, 0.1, 0.01)), line("val_loss", (0.8, 0.1, 0.02))], ylabel="loss"))
    assert codes(run_check("loss_plot", standard(figures=(fake,)), {})) == ["loss_plot.not_from_history"]


def test_no_figure_at_all():
    assert codes(run_check("loss_plot", standard(), {})) == ["loss_plot.no_figure"]


def test_two_runs_in_side_by_side_subplots_are_not_one_plot():
    a = fit("m1", x=rows(10), history={"loss": (1.0, 0.5), "val_loss": (1.2, 0.7)}, seq=10)
    b = fit("m2", x=rows(10), history={"loss": (0.9, 0.3), "val_loss": (1.0, 0.4)}, seq=20)
    subplots = figure(
        axes([line("mlp", (1.0, 0.5)), line("mlp val", (1.2, 0.7))]),
        axes([line("cnn", (0.9, 0.3)), line("cnn val", (1.0, 0.4))]),
    )
    result = run_check("loss_plot", standard(fits=(a, b), figures=(subplots,)), {"min_runs": 2})
    assert codes(result) == ["loss_plot.too_few_runs"]
