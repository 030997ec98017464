"""The re-evaluation worker, a real process of this interpreter: it says which interpreter and
versions it is, predicts like the model it loads, refuses pickles, and every failure of its own
(cannot start, dies, hangs) is a ``ReevaluationFailed`` that says which, never a hang."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest

from grader.reeval.client import Reevaluator, worker_command
from grader.reeval.protocol import ModelFileError, PredictionError, ReevaluationFailed

sio = pytest.importorskip("skops.io")


def test_it_says_which_interpreter_and_versions_it_is() -> None:
    with Reevaluator() as worker:
        about = worker.about()
    assert about["executable"] == sys.executable and about["prefix"] == sys.prefix
    assert about["packages"]["numpy"] == version("numpy")
    assert about["packages"]["scikit-learn"] == version("scikit-learn")


def test_it_predicts_what_the_live_model_predicts(iris_model) -> None:
    model, inputs, live = iris_model
    with Reevaluator() as worker:
        worker.load(str(model))
        first = worker.predict(str(model), str(inputs))
        again = worker.predict(str(model), str(inputs))  # the loaded model is kept
    assert first.tolist() == live.tolist() == again.tolist()


def test_a_pickle_is_refused_and_bad_inputs_do_not_stop_the_worker(iris_model, tmp_path: Path) -> None:
    model, inputs, live = iris_model
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(b"\x80\x04N.")
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.zeros((3, 2)))  # 2 features, the model wants 4
    with Reevaluator() as worker:
        with pytest.raises(ModelFileError, match="pickle/joblib files are not loaded"):
            worker.load(str(pickled))
        with pytest.raises(PredictionError, match="ValueError"):
            worker.predict(str(model), str(wrong))
        assert worker.predict(str(model), str(inputs)).tolist() == live.tolist()


def test_a_worker_that_cannot_start_says_so() -> None:
    worker = Reevaluator(["/nonexistent/python", "-m", "grader.reeval.worker"])
    with pytest.raises(ReevaluationFailed, match="could not start"):
        worker.load("model.keras")


def test_a_worker_that_dies_says_so_with_its_last_words() -> None:
    command = [sys.executable, "-c", "import sys; print('no numpy here', file=sys.stderr); sys.exit(1)"]
    with Reevaluator(command) as worker, pytest.raises(ReevaluationFailed, match=r"stopped.*no numpy here"):
        worker.load("model.keras")


def test_a_worker_that_hangs_is_stopped_at_the_timeout() -> None:
    command = [sys.executable, "-c", "import time; time.sleep(120)"]
    worker = Reevaluator(command, timeout_s=1)
    with pytest.raises(ReevaluationFailed, match="did not answer within 1 s"):
        worker.load("model.keras")
    worker.close()
    with pytest.raises(ReevaluationFailed):  # once failed, it stays failed: no second wait
        worker.load("model.keras")


def test_the_grader_side_never_imports_keras(tmp_path: Path) -> None:
    """A Keras model is judged by the worker: the process asking (evidence stage and client
    imported) never imports Keras, TensorFlow or skops."""
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.save(tmp_path / "m.keras")
    x = np.eye(4, dtype="float32")
    np.save(tmp_path / "x.npy", x)
    want = np.argmax(model.predict(x, verbose=0), axis=1).tolist()
    script = textwrap.dedent(
        f"""
        import sys
        import grader.evidence, grader.pipeline
        from grader.reeval.client import Reevaluator
        with Reevaluator() as worker:
            print("GOT", worker.predict({str(tmp_path / "m.keras")!r}, {str(tmp_path / "x.npy")!r}).tolist())
        print("LOADED", sorted(m for m in sys.modules if m.split(".")[0] in ("keras", "tensorflow", "skops")))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"GOT {want}" in done.stdout and "LOADED []" in done.stdout, done.stdout


def test_the_command_names_the_interpreter() -> None:
    assert worker_command("/envs/colab/bin/python") == ["/envs/colab/bin/python", "-m", "grader.reeval.worker"]
    assert worker_command() == [sys.executable, "-m", "grader.reeval.worker"]


def test_closing_a_worker_does_not_wait_for_its_teardown() -> None:
    """The worker writes nothing, so closing it does not wait for its interpreter's exit
    (TensorFlow's and scikit-learn's teardown took ~2 s of every graded notebook)."""
    slow_exit = "import atexit, sys, time; atexit.register(time.sleep, 30); print('up', flush=True); sys.stdin.read()"
    worker = Reevaluator([sys.executable, "-c", slow_exit])
    worker.start()
    time.sleep(0.5)
    process = worker._process
    started = time.monotonic()
    worker.close()
    assert time.monotonic() - started < 5
    assert process is not None and process.poll() is not None  # gone, not left behind
