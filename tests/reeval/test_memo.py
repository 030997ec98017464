"""Re-evaluation answers kept beside a run: asked again the same, they come from the memo and no
worker starts (the second evaluator's worker cannot even start, so a miss would fail loudly);
any change to the model, the inputs or the answering environment is a miss."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from grader.reeval.memo import MemoReevaluator, interpreter_identity
from grader.reeval.protocol import ModelFileError, PredictionError, ReevaluationFailed

sio = pytest.importorskip("skops.io")
DEAD = [sys.executable, "-c", "import sys; sys.exit(3)"]
"""A worker command that never answers: any request that reaches it raises ReevaluationFailed."""
IDENTITY = interpreter_identity(None)


def _first(memo: Path, model: Path, inputs: Path) -> tuple[np.ndarray, dict]:
    with MemoReevaluator(None, memo, IDENTITY) as worker:
        worker.load(str(model))
        labels = worker.predict(str(model), str(inputs))
        about = worker.about()
        assert worker.served == 0 and worker.waited_s > 0
    return labels, about


def test_the_same_questions_again_are_answered_without_a_worker(iris_model, tmp_path: Path) -> None:
    model, inputs, live = iris_model
    first, about = _first(tmp_path / "memo", model, inputs)
    assert first.tolist() == live.tolist()
    with MemoReevaluator(DEAD, tmp_path / "memo", IDENTITY) as again:
        again.warm([".skops"])  # a run answered before: nothing is started for it
        again.load(str(model))
        assert again.predict(str(model), str(inputs)).tolist() == live.tolist()
        assert again.started and again.served == 2 and again.waited_s == 0
        assert again.about() == about  # who answered, as the result records it


@pytest.mark.parametrize("change", ["model", "inputs", "environment"])
def test_a_changed_model_inputs_or_environment_is_asked_again(iris_model, tmp_path: Path, change: str) -> None:
    model, inputs = tmp_path / "model.skops", tmp_path / "x.npy"
    shutil.copy(iris_model[0], model)
    shutil.copy(iris_model[1], inputs)
    _first(tmp_path / "memo", model, inputs)
    identity = IDENTITY
    x, y = load_iris(return_X_y=True)
    if change == "model":  # the same file name, another fit in it: the evidence changed
        sio.dump(LogisticRegression(max_iter=50).fit(x, y), model)
    elif change == "inputs":
        np.save(inputs, x[::5])
    else:
        identity = "another-environment"
    with MemoReevaluator(DEAD, tmp_path / "memo", identity) as again, pytest.raises(ReevaluationFailed):
        again.load(str(model))
        again.predict(str(model), str(inputs))


def test_a_model_refused_or_failing_fails_the_same_way_from_the_memo(iris_model, tmp_path: Path) -> None:
    model, _, _ = iris_model
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(b"\x80\x04N.")
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.zeros((3, 2)))
    for command in (None, DEAD):  # the worker once, then the memo
        with MemoReevaluator(command, tmp_path / "memo", IDENTITY) as worker:
            with pytest.raises(ModelFileError, match="pickle/joblib files are not loaded"):
                worker.load(str(pickled))
            with pytest.raises(PredictionError, match="ValueError"):
                worker.predict(str(model), str(wrong))


def test_an_answer_planted_for_another_identity_is_not_served(iris_model, tmp_path: Path) -> None:
    model, inputs, _ = iris_model
    _first(tmp_path / "memo", model, inputs)
    for kept in (tmp_path / "memo").glob("*.json"):  # rewritten by someone who is not this worker
        kept.write_text(kept.read_text().replace(IDENTITY, "forged"))
    with MemoReevaluator(DEAD, tmp_path / "memo", IDENTITY) as again, pytest.raises(ReevaluationFailed):
        again.load(str(model))


def test_a_memo_that_cannot_be_written_only_costs_the_next_run_its_worker(iris_model, tmp_path: Path) -> None:
    model, inputs, live = iris_model
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with MemoReevaluator(None, blocked / "memo", IDENTITY) as worker:
        assert worker.predict(str(model), str(inputs)).tolist() == live.tolist()


def test_the_identity_changes_when_a_package_is_installed_into_the_environment(tmp_path: Path) -> None:
    packages = tmp_path / "env" / "lib" / "python3.11" / "site-packages"
    packages.mkdir(parents=True)
    (tmp_path / "env" / "bin").mkdir()
    python = tmp_path / "env" / "bin" / "python"
    python.write_text("")
    before = interpreter_identity(str(python))
    assert interpreter_identity(str(python)) == before
    (packages / "imblearn").mkdir()
    os.utime(packages, ns=(1, os.stat(packages).st_mtime_ns + 10**9))
    assert interpreter_identity(str(python)) != before
    assert interpreter_identity(None) != before
