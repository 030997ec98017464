"""Every verdict needs evidence: an item whose evidence is absent is not judged (no points,
never a pass) and says what is missing and why; legitimate passes stay passes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from factories import evidence, keras_model, rows, standard

from grader.checks import REGISTRY, run_check
from grader.models.evidence import (
    DataRoles,
    InstructorTestOutcome,
    PrepFitRecord,
    SplitPart,
    SplitRecord,
)
from grader.models.execution import CellRun

from .crashes import adam_import_failed, cells, text, wrong_column
from .helpers import codes

HCV = {
    "runs": {},
    "split": {"stratified": True},
    "leakage": {"no_model_choice_on_test": True},
    "architecture": {"framework": "keras", "output_units": [4, 5], "min_hidden_layers": 1},
    "compile": {"loss": ["categorical_crossentropy"]},
    "training": {"validation": "required"},
    "tuning": {"min_configs": 3},
    "loss_plot": {},
    "confusion_matrix": {},
    "metric": {"metric": "macro_f1", "min": 0.5},
    "saved_model": {},
    "output": {"contains": ["Akurasi: 0."], "source": "Akurasi"},
    "integrity": {},
    "figure": {"min_figures": 1},
}


def split_only_roles(ev):
    """The roles the splits give when no model was trained (``_roles_from_splits``)."""
    train, test = rows(492, 0), rows(123, 5000)
    split = SplitRecord(
        seq=1,
        cell=1,
        func="train_test_split",
        inputs=(rows(615, 0),),
        outputs=(SplitPart(0, "train", train), SplitPart(0, "test", test)),
        stratify=True,
    )
    roles = DataRoles(final_mid=None, train=train, test=test, test_source="the split (no model was trained)")
    return replace(ev, splits=(split,), roles=roles)


@pytest.mark.parametrize("kind", sorted(set(HCV) - {"runs", "compile", "architecture"}))
def test_a_crash_before_anything_was_fitted_is_never_a_pass(kind):
    """Only the items with real evidence (the notebook ran; a model was built and compiled) get
    a verdict; the rest are not judged and say why, naming the cell the trouble began in."""
    ev = split_only_roles(wrong_column())
    result = run_check(kind, ev, HCV[kind])
    assert not result.passed
    if kind in ("split",):  # the split happened and was recorded: judged on it
        return
    assert not result.judged, (kind, codes(result))
    assert result.messages[0].code.startswith(("absent.", "leakage.cannot_tell", "metric."))
    assert "KeyError" in text(result) or "code cell" in text(result), text(result)


def test_leakage_after_a_crash_before_fitting_is_not_judged_and_names_the_crash():
    result = run_check("leakage", split_only_roles(wrong_column()), {})
    assert not result.judged and not result.passed
    assert codes(result) == ["absent.no_training", "cause.cell_raised", "cause.not_defined"]
    assert text(result) == (
        "Not judged: no model finished training. code cell 6: history = model.fit(X_train_s, y_train, epochs=30, "
        "validation_split=0… raised NameError: name 'X_train_s' is not defined. (X_train_s was never defined, "
        "because code cell 2: X = df.drop(columns=['Categori', 'Unnamed: 0']) raised KeyError: \"['Categori'] not "
        'found in axis".)'
    )


def test_leakage_found_before_a_crash_is_still_a_leak():
    ev = split_only_roles(wrong_column())
    ev = replace(ev, roles=replace(ev.roles, leaks=("StandardScaler.fit in code cell 1 learned from all 615 rows",)))
    result = run_check("leakage", ev, {})
    assert result.judged and not result.passed and codes(result) == ["leakage.preprocessing"]


def test_leakage_without_preprocessing_passes_and_says_what_was_checked():
    result = run_check("leakage", standard(), {})
    assert result.passed and codes(result) == ["leakage.ok_no_preprocessing"]
    assert text(result) == (
        "No scaler, imputer or other preprocessing was fitted, so none learned from validation or test rows "
        "(the model trained on 108 rows and was tested on 15 others)."
    )
    fitted = PrepFitRecord(
        seq=2, cell=1, estimator="StandardScaler", module="sklearn", mid="s1", input=rows(108, 0), method="fit"
    )
    counted = run_check("leakage", standard(prep_fits=(fitted,)), {})
    assert counted.passed and codes(counted) == ["leakage.ok"]


def test_integrity_when_nothing_ran_is_not_judged():
    nothing = evidence(cells=(CellRun(0, "error", "KeyError: 'Category'"),))
    result = run_check("integrity", nothing, {})
    assert not result.judged and not result.passed
    assert codes(result)[0] == "absent.no_computation"
    assert not run_check("integrity", evidence(), {}).judged  # ran cleanly, but computed nothing


def test_integrity_of_a_trained_model_that_printed_nothing_passes_and_says_so():
    result = run_check("integrity", standard(), {})
    assert result.passed and codes(result) == ["integrity.ok_nothing_printed"]


def test_integrity_tampering_is_judged_even_when_nothing_was_trained():
    result = run_check("integrity", evidence(tampered=("sklearn.metrics.accuracy_score",)), {})
    assert result.judged and not result.passed and codes(result) == ["integrity.tampered"]


def test_compile_after_a_failed_import_names_the_import_not_a_missing_call():
    result = run_check("compile", adam_import_failed(), {"loss": ["categorical_crossentropy"]})
    assert not result.judged
    assert codes(result) == ["absent.no_compile", "cause.cell_raised", "cause.import_failed"]
    assert "model.compile was not called" not in text(result)
    assert "name 'Adam' is not defined" in text(result)
    assert "the import in code cell 1: from tensorflow.keras.optimizer import Adam failed" in text(result)


def test_training_after_fit_raised_names_the_exception_not_never_trained():
    result = run_check("training", adam_import_failed(), {})
    assert not result.judged
    assert codes(result) == ["absent.no_training", "cause.call_raised", "cause.cell_raised", "cause.import_failed"]
    assert "Sequential.fit raised ValueError: You must call `compile()`" in text(result)
    assert "the import in code cell 1: from tensorflow.keras.optimizer import Adam failed" in text(result)
    assert "never trained" not in text(result)


def test_quality_of_a_notebook_that_never_trained_says_so():
    result = run_check("metric", adam_import_failed(), {"metric": "macro_f1", "min": 0.5})
    assert not result.judged and codes(result)[0] == "absent.no_training"
    assert "no saved inputs" not in text(result)
    assert "Sequential.fit raised ValueError" in text(result)


def test_a_measurement_the_grader_could_not_make_needs_review():
    ev = standard(measurements=(), reevaluation_problem="the model file could not be loaded")
    result = run_check("metric", ev, {})
    assert not result.judged and result.needs_review and codes(result) == ["metric.not_measured"]


def test_architecture_without_a_model_after_a_crash_is_not_judged():
    ev = evidence(
        **cells(
            ("from tensorflow.keras.model import Sequential", "error", "ModuleNotFoundError: No module named 'x'"),
            ("model = Sequential([Dense(5)])", "error", "NameError: name 'Sequential' is not defined"),
        )
    )
    result = run_check("architecture", ev, {})
    assert not result.judged
    assert codes(result) == ["absent.no_model", "cause.cell_raised", "cause.import_failed"]
    assert "code cell 2: model = Sequential(" in text(result)


def test_a_clean_run_that_simply_lacks_the_step_is_still_a_judged_fail():
    ev = standard(compiles=())
    result = run_check("compile", ev, {})
    assert result.judged and not result.passed and codes(result) == ["compile.not_compiled"]
    no_model = evidence(models={})
    assert run_check("architecture", no_model, {}).judged
    assert codes(run_check("training", evidence(models={"m1": keras_model()}), {})) == ["training.no_fit"]


def test_an_empty_notebook_is_not_judged_on_running():
    result = run_check("runs", evidence(cells=()), {})
    assert not result.judged and codes(result) == ["runs.no_cells"] and not result.needs_review
    assert run_check("runs", evidence(cells=(), status="error"), {}).needs_review


def test_an_instructor_file_that_cannot_run_is_no_verdict_on_the_student():
    missing = InstructorTestOutcome(file="/r/t.py", missing=True)
    result = run_check("test", replace(standard(), instructor_tests={"/r/t.py": missing}), {"file": "/r/t.py"})
    assert not result.judged and result.needs_review


def test_output_of_cells_that_raised_is_not_judged_and_partial_output_keeps_its_credit():
    ev = evidence(
        markdown=("Penjelasan: data dibagi 80/20.",),
        **cells(("print(X_train.shape)", "error", "NameError: name 'X_train' is not defined")),
    )
    result = run_check("output", ev, {"contains": ["(492, 12)"], "source": "shape"})
    assert not result.judged and codes(result)[:2] == ["absent.no_output", "output.missing"]
    both = run_check("output", ev, {"contains": ["(492, 12)"], "markdown": ["."], "source": "shape"})
    assert both.judged and both.fraction == 0.5 and "cause.cell_raised" in codes(both)


def test_every_kind_is_covered_here():
    assert set(HCV) | {"test"} == set(REGISTRY)


def test_a_confusion_matrix_of_a_model_that_never_trained_is_not_judged():
    from grader.models.evidence import MetricCallRecord

    matrix = MetricCallRecord(
        seq=40, cell=8, func="confusion_matrix", y_true=None, y_pred=None, value=[[9, 0], [3, 0]], display=True
    )
    ev = replace(split_only_roles(adam_import_failed()), metric_calls=(matrix,))
    result = run_check("confusion_matrix", ev, {})
    assert not result.judged and codes(result)[:2] == ["absent.no_training", "cause.call_raised"]
    assert run_check("confusion_matrix", replace(standard(), metric_calls=(matrix,)), {}).judged


def test_a_figure_without_any_training_is_no_loss_plot_verdict_after_a_crash():
    from .helpers import axes, figure, line

    drawn = figure(axes([line("", (1.0, 2.0))], title="Confusion matrix"))
    result = run_check("loss_plot", replace(adam_import_failed(), figures=(drawn,)), {})
    assert not result.judged and codes(result)[:2] == ["absent.no_training", "cause.call_raised"]
    clean = run_check("loss_plot", evidence(figures=(drawn,)), {})
    assert clean.judged and codes(clean) == ["loss_plot.not_found"]


def test_a_missing_loss_plot_cites_the_cell_that_plots_the_history():
    result = run_check("loss_plot", wrong_column(), {})
    assert not result.judged and codes(result) == ["absent.no_figure", "cause.cell_raised", "cause.not_defined"]
    assert "code cell 7: plt.plot(history.history['loss']) raised NameError: name 'history'" in text(result)
    assert "(history was never defined, because code cell 2: X = df.drop(" in text(result)
