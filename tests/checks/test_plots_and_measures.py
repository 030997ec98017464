"""loss_plot, confusion_matrix, figure, metric, saved_model, integrity, output, test."""

from __future__ import annotations

from dataclasses import replace

from factories import evidence, fit, label_rows, measurement, rows, standard

from grader.checks import run_check
from grader.models.evidence import (
    AxesRecord,
    CellOutput,
    ClaimRecord,
    EvaluateRecord,
    FigureRecord,
    GridRecord,
    LineRecord,
    MetricCallRecord,
    SavedModelCheck,
)


def codes(result):
    return [m.code for m in result.messages]


def axes(lines=(), images=(), title="", ylabel="") -> AxesRecord:
    return AxesRecord(
        title=title,
        xlabel="epoch",
        ylabel=ylabel,
        legend=tuple(ln.label for ln in lines),
        lines=tuple(lines),
        images=tuple(images),
        meshes=(),
        texts=(),
    )


def figure(*ax: AxesRecord, cell: int = 4) -> FigureRecord:
    return FigureRecord(seq=50, cell=cell, reason="close", suptitle="", legend=(), axes=tuple(ax))


def line(label, ys):
    return LineRecord(label=label, x=tuple(range(len(ys))), y=tuple(ys))


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


def _cm_call(matrix, n_true, display=True, cell=5):
    return MetricCallRecord(
        seq=60,
        cell=cell,
        func="confusion_matrix",
        y_true=label_rows(list(range(3)) * (n_true // 3)),
        y_pred=None,
        value=[list(r) for r in matrix],
        display=display,
    )


def test_confusion_matrix_of_the_test_set():
    ev = standard(metric_calls=(_cm_call(((5, 0, 0), (0, 4, 1), (0, 1, 4)), 15),))
    assert run_check("confusion_matrix", ev, {}).passed


def test_confusion_matrix_of_the_training_set_is_named():
    ev = standard(metric_calls=(_cm_call(((36, 0, 0), (0, 30, 6), (0, 6, 30)), 108),))
    result = run_check("confusion_matrix", ev, {})
    assert codes(result) == ["confusion_matrix.on_train"]


def test_confusion_matrix_heatmap_from_any_route():
    grid = GridRecord(shape=(3, 3), values=((5.0, 0.0, 0.0), (0.0, 4.0, 1.0), (0.0, 1.0, 4.0)))
    ev = standard(figures=(figure(axes(images=[grid])),))
    assert run_check("confusion_matrix", ev, {}).passed


def test_confusion_matrix_computed_but_not_shown():
    ev = standard(metric_calls=(_cm_call(((5, 0, 0), (0, 4, 1), (0, 1, 4)), 15, display=False),))
    assert codes(run_check("confusion_matrix", ev, {})) == ["confusion_matrix.not_shown"]
    printed = replace(ev, outputs=(CellOutput(index=5, text="[[5 0 0]\n [0 4 1]\n [0 1 4]]", images=0, source=""),))
    assert run_check("confusion_matrix", printed, {}).passed


def test_figure_check():
    ev = standard(
        figures=(figure(axes([line("sigmoid", (0, 1)), line("tanh", (0, 1))], title="Activation functions")),)
    )
    assert run_check("figure", ev, {"min_lines": 2, "words": ["activation"]}).passed
    assert codes(run_check("figure", ev, {"min_lines": 4})) == ["figure.too_few_lines"]


def test_metric_uses_the_grader_measurement():
    assert run_check("metric", standard(), {"min": 0.8}).passed
    assert codes(run_check("metric", standard(), {"min": 0.95})) == ["metric.below"]


def test_metric_names_a_one_class_model_and_the_baseline():
    lazy = measurement(accuracy=0.87, macro_f1=0.23, predicted=1, majority=0.87)
    result = run_check("metric", standard(measurements=(lazy,)), {"min": 0.5, "above_baseline": 0.02})
    assert codes(result) == ["metric.one_class", "metric.not_above_baseline"]
    assert result.fraction == 0.0


def test_metric_without_measurement_says_why():
    ev = standard(measurements=(), reevaluation_problem="the final model could not be exported from the notebook")
    result = run_check("metric", ev, {"min": 0.5})
    assert codes(result) == ["metric.not_measured"] and "exported" in result.messages[0].params["reason"]


def test_saved_model_formats_and_agreement():
    files = (
        SavedModelCheck(path="m.keras", format="keras", loads=True, agreement=1.0),
        SavedModelCheck(path="m.h5", format="h5", loads=True, agreement=0.5),
    )
    ev = standard(saved_models=files)
    assert run_check("saved_model", ev, {"formats": ["keras"]}).passed
    result = run_check("saved_model", ev, {"formats": ["keras", "h5"]})
    assert codes(result) == ["saved_model.disagrees"] and result.fraction == 0.5
    assert codes(run_check("saved_model", standard(), {})) == ["saved_model.none"]


def _claim(text, value, qualifier="test"):
    return ClaimRecord(cell=7, metric="accuracy", value=value, qualifier=qualifier, text=text)


def test_integrity_accepts_a_claim_backed_by_the_measurement():
    ev = standard(claims=(_claim("Test accuracy: 90.0%", 0.9),))
    assert run_check("integrity", ev, {}).passed


def test_integrity_rejects_a_printed_but_false_accuracy():
    ev = standard(claims=(_claim("accuracy: 1.0", 1.0),))
    result = run_check("integrity", ev, {})
    assert codes(result) == ["integrity.claim"]
    assert result.messages[0].params["measured"] == 0.9


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


def test_output_contains_is_whitespace_insensitive():
    ev = evidence(outputs=(CellOutput(index=1, text="(108, 4)  (27, 4)\n(15, 4)\n", images=0, source=""),))
    assert run_check("output", ev, {"contains": ["(108, 4) (27, 4) (15, 4)"]}).passed
    result = run_check("output", ev, {"contains": ["(108, 4)", "515"]})
    assert not result.passed and result.fraction == 0.5


def test_instructor_test_file(tmp_path):
    test_file = tmp_path / "extra_tests.py"
    test_file.write_text(
        "def test_two_models(evidence):\n    assert len(evidence.models) >= 1\n"
        "def test_fails(evidence):\n    assert evidence.roles.test.n == 99, 'test set should be 99'\n"
    )
    result = run_check("test", standard(), {"file": str(test_file)})
    assert not result.passed and result.fraction == 0.5
    assert "test set should be 99" in result.messages[0].params["first"]


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


def test_output_only_in_cells_whose_code_matches():
    outputs = (CellOutput(index=1, text="range ok: True", images=0, source="print(np.all(h <= 1))"),
               CellOutput(index=2, text="max diff 3e-07", images=0, source="keras.layers.SimpleRNN(4)"))
    ev = evidence(outputs=outputs)
    assert run_check("output", ev, {"regex": [r"e-0[5-9]"], "source": "SimpleRNN"}).passed
    assert not run_check("output", ev, {"regex": [r"\bTrue\b"], "source": "SimpleRNN"}).passed


def test_training_min_drop():
    flat = fit(x=rows(10), history={"loss": (0.6838, 0.681, 0.6779)})
    ev = standard(fits=(flat,))
    assert run_check("training", ev, {}).passed
    assert not run_check("training", ev, {"min_drop": 0.1}).passed


def test_two_runs_in_side_by_side_subplots_are_not_one_plot():
    a = fit("m1", x=rows(10), history={"loss": (1.0, 0.5), "val_loss": (1.2, 0.7)}, seq=10)
    b = fit("m2", x=rows(10), history={"loss": (0.9, 0.3), "val_loss": (1.0, 0.4)}, seq=20)
    subplots = figure(axes([line("mlp", (1.0, 0.5)), line("mlp val", (1.2, 0.7))]),
                      axes([line("cnn", (0.9, 0.3)), line("cnn val", (1.0, 0.4))]))
    result = run_check("loss_plot", standard(fits=(a, b), figures=(subplots,)), {"min_runs": 2})
    assert codes(result) == ["loss_plot.too_few_runs"]


def test_a_whole_float_claim_is_exact_not_rounded():
    ev = standard(claims=(_claim("Akurasi data uji: 1.0", 1.0),), measurements=(measurement(accuracy=0.9508),))
    assert codes(run_check("integrity", ev, {})) == ["integrity.claim"]
    rounded = standard(claims=(_claim("Akurasi data uji: 0.95", 0.95),), measurements=(measurement(accuracy=0.9508),))
    assert run_check("integrity", rounded, {}).passed


def test_integrity_reports_results_changed_after_training():
    ev = standard(altered=("the History returned by fit in cell 7",))
    result = run_check("integrity", ev, {})
    assert codes(result) == ["integrity.altered"]
