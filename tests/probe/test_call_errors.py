"""Calls that raise are recorded (call, class, exception) and still raise for the student; rows
holding NaN are counted - in this process, no kernel."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from grader.evidence.loader import load_evidence
from grader.models.execution import CellRun, ExecutionOutcome
from grader.probe import hooks_keras, hooks_sklearn
from grader.probe.calls import recording
from grader.probe.recorder import Recorder
from grader.probe.session import Session


@pytest.fixture
def session(tmp_path: Path):
    """A probe session whose running cell is notebook position 3 (the second code cell)."""
    recorder = Recorder(str(tmp_path / "evidence"))
    probe = Session(recorder, {"cells": [1, 3, 4]})
    recorder.cell = 3
    yield probe
    for owner, name, wrapper in reversed(probe.hooks):
        setattr(owner, name, wrapper.__wrapped_original__)
    if not recorder._log.closed:
        recorder.close()


def events(probe: Session, kind: str) -> list[dict]:
    probe.recorder._log.flush()
    lines = Path(probe.recorder.directory, "events.jsonl").read_text().splitlines()
    return [e for e in map(json.loads, lines) if e["kind"] == kind]


def test_a_raising_call_is_recorded_and_the_student_still_sees_the_exception(session):
    seen: list[tuple] = []

    def fit(model, x):
        raise ValueError("Input X contains NaN.\nMLPClassifier does not accept missing values")

    wrapped = recording(session, lambda *a: seen.append(a), failed=lambda args, kwargs, exc: seen.append(("x", exc)))(
        fit
    )
    with pytest.raises(ValueError, match="Input X contains NaN"):
        wrapped(object(), [1.0])
    assert len(seen) == 1 and isinstance(seen[0][1], ValueError)  # failure noted, success not
    assert session.depth == 0


def test_a_failing_failure_recorder_never_changes_the_students_exception(session):
    def broken(args, kwargs, exc):
        raise RuntimeError("probe bug")

    def fit():
        raise KeyError("Category")

    with pytest.raises(KeyError):
        recording(session, lambda *a: None, failed=broken)(fit)()
    assert events(session, "note")[0]["detail"]["where"] == "call_error"


def test_a_scikit_learn_fit_on_nan_is_recorded_with_its_cell_and_error(session):
    from sklearn.neural_network import MLPClassifier

    hooks_sklearn.patch_estimators(session)
    x = np.array([[1.0, np.nan], [2.0, 3.0], [4.0, 5.0]])
    with pytest.raises(ValueError, match="NaN"):
        MLPClassifier(max_iter=5).fit(x, [0, 1, 0])
    (event,) = events(session, "call_error")
    assert (event["call"], event["framework"], event["cls"], event["model"], event["cell"]) == (
        "fit",
        "sklearn",
        "MLPClassifier",
        True,
        3,
    )
    assert event["error"].startswith("ValueError: Input X contains NaN")
    assert "\n" not in event["error"]


def test_a_keras_call_error_names_the_model(session):
    class Sequential:
        pass

    model = Sequential()
    hooks_keras._failed(session, "compile")((model,), {}, NameError("name 'Adam' is not defined"))
    (event,) = events(session, "call_error")
    assert event["mid"] == session.model_id(model) and event["cls"] == "Sequential"
    assert event["error"] == "NameError: name 'Adam' is not defined"


def test_rows_holding_nan_are_counted(session):
    info = session.recorder.rowset(np.array([[1.0, np.nan], [2.0, 3.0], [np.nan, 4.0]]))
    assert info is not None and info["missing"] == 2
    assert session.recorder.rowset(np.ones((4, 2)))["missing"] == 0


def test_the_probe_names_cells_as_jupyter_numbers_code_cells(session):
    assert session.cell_label() == "code cell 2"
    session.recorder.cell = -1
    assert session.cell_label() == "a cell"


def test_call_errors_and_missing_counts_reach_the_evidence(session, tmp_path):
    rows = session.recorder.rowset(np.array([[1.0, np.nan], [2.0, 3.0]]))
    session.recorder.emit("fit", mid="m1", framework="keras", x=rows, history={"loss": [None, None]})
    hooks_keras._failed(session, "fit")((object(),), {}, ValueError("You must call `compile()` first"))
    session.recorder.close()
    outcome = ExecutionOutcome(
        status="completed",
        reason=None,
        cells=(CellRun(1, "ok"), CellRun(3, "error", "ValueError: x")),
        duration_s=1.0,
        executed_notebook=None,
        evidence_dir=session.recorder.directory,
    )
    evidence = load_evidence(outcome)
    (failed,) = evidence.call_errors
    assert (failed.call, failed.cell, failed.framework) == ("fit", 3, "keras")
    assert failed.error == "ValueError: You must call `compile()` first"
    assert evidence.fits[0].x is not None and evidence.fits[0].x.missing == 1
    assert all(np.isnan(v) for v in evidence.fits[0].history["loss"])
