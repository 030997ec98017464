"""Why evidence is absent, read from the run: the call that raised, the failed import behind a
NameError, the cell a chain of NameErrors goes back to, a run that stopped."""

from __future__ import annotations

from dataclasses import replace

from factories import evidence, fit

from grader.checks import causes
from grader.i18n import render
from grader.models.execution import CellRun

from .crashes import MARKDOWN, adam_import_failed, cells, nan_fit, wrong_column


def rendered(messages, lang="en") -> str:
    return " ".join(render(m, lang) for m in messages)


def test_a_cell_that_raised_is_cited_with_its_line_and_a_name_error_with_its_failed_import():
    why = causes.absence_causes(adam_import_failed(), calls=("compile",), source=causes.COMPILE_SOURCE)
    assert [m.code for m in why] == ["cause.cell_raised", "cause.import_failed"]
    assert rendered(why) == (
        "code cell 5: model.compile(optimizer=Adam(learning_rate=0.001), raised NameError: name 'Adam' is not "
        "defined. (Adam was never imported: the import in code cell 1: from tensorflow.keras.optimizer import "
        "Adam failed with ModuleNotFoundError: No module named 'tensorflow.keras.optimizer'.)"
    )
    assert "sel kode 1: from tensorflow.keras.optimizer import Adam" in rendered(why, "id")


def test_a_recorded_call_error_comes_first_and_an_uncompiled_model_says_why_compile_failed():
    why = causes.absence_causes(adam_import_failed(), calls=("fit",), source=causes.FIT_SOURCE)
    assert [m.code for m in why] == ["cause.call_raised", "cause.cell_raised", "cause.import_failed"]
    assert rendered(why).startswith(
        "Sequential.fit raised ValueError: You must call `compile()` before using the model "
        "(code cell 6: history = model.fit(X_train, y_train, epochs=50, validation_split=0.2)). "
        "code cell 5: model.compile(optimizer=Adam(learning_rate=0.001), raised NameError"
    )
    compiled = replace(adam_import_failed(), compiles=wrong_column().compiles)
    assert [m.code for m in causes.absence_causes(compiled, calls=("fit",))] == ["cause.call_raised"]


def test_a_chain_of_name_errors_goes_back_to_the_first_failure():
    why = causes.absence_causes(wrong_column(), calls=("fit",), source=causes.FIT_SOURCE)
    assert [m.code for m in why] == ["cause.cell_raised", "cause.not_defined"]
    assert rendered(why).endswith(
        "(X_train_s was never defined, because code cell 2: X = df.drop(columns=['Categori', 'Unnamed: 0']) "
        "raised KeyError: \"['Categori'] not found in axis\".)"
    )
    assert "code cell 6: history = model.fit(X_train_s" in rendered(why)


def test_a_name_nobody_defines_is_called_a_spelling_problem():
    ev = evidence(
        **cells(
            ("history = model.fit(X, y)", "ok", None),
            ("plt.plot(history1.history['loss'])", "error", "NameError: name 'history1' is not defined"),
        )
    )
    why = causes.absence_causes(ev, source=causes.PLOT_SOURCE)
    assert [m.code for m in why] == ["cause.cell_raised", "cause.no_definition"]
    assert "No cell defines history1" in rendered(why)


def test_a_name_defined_by_a_cell_that_ran_is_not_blamed_on_anything():
    ev = evidence(
        **cells(
            ("from tensorflow.keras.optimizers import Adam", "ok", None),
            ("del Adam", "ok", None),
            ("model.compile(optimizer=Adam())", "error", "NameError: name 'Adam' is not defined"),
        )
    )
    assert [m.code for m in causes.absence_causes(ev, source=causes.COMPILE_SOURCE)] == ["cause.cell_raised"]


def test_a_run_that_stopped_says_so():
    ev = evidence(
        status="kernel_died",
        reason="the kernel died (out of memory)",
        **cells(("x = 1", "ok", None), ("big()", "not_run", None), ("model.fit(X, y)", "not_run", None)),
    )
    (why,) = causes.absence_causes(ev, calls=("fit",), source=causes.FIT_SOURCE)
    assert why.code == "cause.stopped" and why.params == {"reason": "the kernel died (out of memory)", "count": 2}


def test_other_errors_are_named_only_when_allowed_and_a_clean_run_explains_nothing():
    ev = evidence(**cells(("x = 1", "ok", None), ("y = x / 0", "error", "ZeroDivisionError: division by zero")))
    (why,) = causes.absence_causes(ev, calls=("fit",), source=causes.FIT_SOURCE)
    assert why.code == "cause.earlier_errors" and "code cell 2: y = x / 0" in rendered((why,))
    assert causes.absence_causes(ev, source=causes.FIT_SOURCE, earlier=False) == ()
    assert causes.absence_causes(evidence(), calls=("fit",), source=causes.FIT_SOURCE) == ()


def test_a_nan_loss_learned_nothing_and_says_why_from_the_data():
    run = nan_fit(1, 16)
    assert causes.learned_nothing(run) and not causes.learned_nothing(fit())
    ev = evidence(
        **cells(("x = 1", "ok", None), MARKDOWN, MARKDOWN, MARKDOWN, ("# latih\nmodel.fit(X_tr, y_tr)", "ok", None))
    )
    (why,) = causes.nan_loss_messages(ev, run)
    assert rendered((why,)).startswith(
        "The loss was NaN in every epoch of the training in code cell 2: model.fit(X_tr, y_tr): the training data "
        "still holds missing values (40 of its 400 rows)"
    )
    clean = replace(run, x=replace(run.x, missing=0))
    assert [m.code for m in causes.nan_loss_messages(ev, clean)] == ["nan.every_epoch"]
    diverged = replace(run, history={"loss": (1.2, 0.9, float("nan"), float("nan"))})
    (late,) = causes.nan_loss_messages(ev, diverged)
    assert late.code == "nan.diverged" and late.params["epoch"] == 3


def test_cells_outside_the_code_cells_are_named_as_such():
    ev = evidence(cells=(CellRun(0, "ok"),))
    run = replace(nan_fit(1, 16), cell=-1)
    (why,) = causes.nan_loss_messages(ev, run)
    assert why.params["cell"].code == "cell.unknown"
