"""``figure`` on hand-made evidence."""

from __future__ import annotations

from factories import standard

from grader.checks import run_check

from .helpers import axes, codes, figure, line


def test_figure_check():
    ev = standard(
        figures=(figure(axes([line("sigmoid", (0, 1)), line("tanh", (0, 1))], title="Activation functions")),)
    )
    assert run_check("figure", ev, {"min_lines": 2, "words": ["activation"]}).passed
    assert codes(run_check("figure", ev, {"min_lines": 4})) == ["figure.too_few_lines"]


def test_figure_same_figure_and_falling_curves():
    falling = axes([line("batch", (1.0, 0.5)), line("sgd", (1.0, 0.4)), line("mini-batch", (1.0, 0.3))], title="loss")
    rising = axes([line("batch", (0.1, 0.5)), line("sgd", (0.1, 0.4)), line("mini-batch", (0.1, 0.3))], title="loss")
    params = {"min_lines": 3, "words": ["loss", "sgd"], "same_figure": True, "decreasing": True}
    assert run_check("figure", standard(figures=(figure(falling),)), params).passed
    result = run_check("figure", standard(figures=(figure(rising),)), params)
    assert codes(result) == ["figure.too_few_falling_lines"]
    split_up = (figure(axes([line("a", (1, 0)), line("b", (1, 0)), line("c", (1, 0))])), figure(axes(title="loss sgd")))
    assert not run_check("figure", standard(figures=split_up), params).passed
    assert run_check("figure", standard(figures=split_up), {"min_lines": 3, "words": ["loss"]}).passed
