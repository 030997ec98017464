"""The grader's terminal carries the grader's words only: no TensorFlow, absl or oneDNN log lines.

The grader process imports TensorFlow when it loads a student's Keras model to re-evaluate it;
whatever TensorFlow prints then lands on the terminal of ``grader check`` and ``grader grade``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REFERENCE, SHARED_DATA

# What TensorFlow, absl, oneDNN and tf.function print when nobody quiets them
NOISE = (
    "oneDNN",
    "TF_ENABLE_ONEDNN_OPTS",
    "absl",
    "retracing",
    "cuda",
    "cpu_feature_guard",
    "I0000",
    "W0000",
    "E0000",
    "WARNING:tensorflow",
)


def noisy_lines(stderr: str) -> list[str]:
    """The lines of ``stderr`` that come from TensorFlow and its libraries."""
    return [line for line in stderr.splitlines() if any(word.lower() in line.lower() for word in NOISE)]


def test_noise_detector_knows_the_lines_tensorflow_prints() -> None:
    before = textwrap.dedent(
        """\
        WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
        I0000 00:00:1796054330.686241   18736 port.cc:153] oneDNN custom operations are on.
        grader: 5 out of the last 5 calls to <function f at 0x7f> triggered tf.function retracing.
        grader: rubric not found
        """
    )
    assert len(noisy_lines(before)) == 3


def test_tensorflow_imported_after_quieting_prints_nothing(tmp_path: Path) -> None:
    # a process like the grader's: root logger set up, then TensorFlow loads, absl logs, a
    # tf.function retraces and a Keras model predicts on batches of changing sizes
    script = tmp_path / "noisy.py"
    script.write_text(
        textwrap.dedent(
            """\
            import logging, sys
            logging.basicConfig(level=logging.WARNING, format="grader: %(message)s", stream=sys.stderr)
            from grader.cli import quiet_tensorflow
            quiet_tensorflow()
            import numpy as np
            import keras
            import tensorflow as tf
            from absl import logging as absl_logging
            absl_logging.warning("absl says hello")
            f = tf.function(lambda x: x * 2)
            for i in range(8):
                f(tf.constant(np.ones(i + 1)))
            model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
            for i in range(3):
                model.predict(np.ones((i + 1, 3)), verbose=0)
            logging.getLogger("grader").warning("the grader's own line")
            """
        )
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert noisy_lines(done.stderr) == []
    assert done.stderr.strip().splitlines() == ["grader: the grader's own line"]


@pytest.mark.notebook
def test_grader_check_on_a_keras_notebook_prints_no_library_logs(tmp_path: Path, run_store) -> None:
    notebook = REFERENCE / "05_iris_keras.ipynb"
    run_store.run(notebook, rubric="iris_keras")  # warms the shared cache: the grader still loads the model
    out_json = tmp_path / "r.json"
    data = ["--data-dir", str(SHARED_DATA)] if SHARED_DATA.is_dir() else []
    command = [sys.executable, "-m", "grader.cli", "check", str(notebook), "--rubric", "iris_keras"]
    command += ["--cache-dir", str(run_store.cache.root), *data, "--json", str(out_json)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr
    items = {item["id"]: item for item in json.loads(out_json.read_text())["items"]}
    # the grader loaded the Keras model into its own process (TensorFlow was imported there)
    assert items["iris_keras.accuracy"]["passed"], items["iris_keras.accuracy"]
    assert noisy_lines(done.stderr) == [], done.stderr
    assert all(line.startswith("grader:") for line in done.stderr.splitlines()), done.stderr
