"""Re-evaluation cost per submission: a saved Keras model (and a skops one) loaded and run on
its test rows, before (in the grader's own process, the way it was until the re-evaluation
worker) and after (a fresh worker process per submission, of the grader's own environment and
of a built grading environment, bare and sandboxed).

    .venv/bin/python bench/reeval.py [--submissions 3] [--env colab]

"before, first" pays the TensorFlow import once per grading process; "before, next" is every
later submission of the same process.  "after" is what each submission pays now: the worker's
start, its imports, the load and the predictions (the imports overlap the data roles the grader
works out meanwhile, which this does not count).  Medians, in seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader.reeval.client import Reevaluator, worker_command  # noqa: E402

MAKE = """
import os; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np, keras, skops.io as sio
from sklearn.datasets import load_iris
from sklearn.neural_network import MLPClassifier
x, y = load_iris(return_X_y=True)
x = np.tile(x, (20, 1)).astype("float32")
y = np.tile(y, 20)
layers = [keras.Input((4,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(3, activation="softmax")]
m = keras.Sequential(layers)
m.compile("adam", "sparse_categorical_crossentropy")
m.fit(x, y, epochs=1, verbose=0)
m.save("{folder}/model.keras")
sio.dump(MLPClassifier((16,), max_iter=50).fit(x, y), "{folder}/model.skops")
np.save("{folder}/x.npy", x)
"""
BEFORE = """
import os, sys, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
sys.path.insert(0, {repo!r})
import numpy as np
from grader.reeval.loading import load_predictor
x = np.load("{folder}/x.npy")
for i in range({n}):
    start = time.monotonic()
    for name in ("model.keras", "model.skops"):
        load_predictor("{folder}/" + name)(x)
    print("SECONDS", time.monotonic() - start, flush=True)
"""


def before(folder: str, n: int) -> list[float]:
    """Seconds per submission with the models loaded in one long-lived process (the old way)."""
    script = textwrap.dedent(BEFORE.format(repo=str(REPO), folder=folder, n=n))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return [float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("SECONDS")]


def after(folder: str, n: int, python: str | None, sandboxed: bool) -> list[float]:
    """Seconds per submission with one fresh worker each."""
    times = []
    for _ in range(n):
        command = worker_command(python)
        start = time.monotonic()
        if sandboxed:
            from grader.sandbox import Sandbox

            command = Sandbox().reader(command, python=python, readable=[folder])
        with Reevaluator(command) as worker:
            worker.warm([".keras", ".skops"])
            for name in ("model.keras", "model.skops"):
                worker.load(f"{folder}/{name}")
                worker.predict(f"{folder}/{name}", f"{folder}/x.npy")
        times.append(time.monotonic() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=3)
    parser.add_argument(
        "--env", default="", help="a built grading environment whose Keras can load this Keras' files (else skipped)"
    )
    args = parser.parse_args()
    from grader.environments import find_built, find_spec
    from grader.sandbox import sandbox_available

    built = find_built(find_spec(args.env)) if args.env else None
    folder = tempfile.mkdtemp(prefix="bench-reeval-")
    subprocess.run([sys.executable, "-c", textwrap.dedent(MAKE.format(folder=folder))], check=True, env={**os.environ})
    n = args.submissions
    rows: list[tuple[str, list[float]]] = []
    old = before(folder, n)
    rows += [("before: in the grader's process, first submission", old[:1]), ("before: next submissions", old[1:])]
    rows.append(("after: worker of the grader's own environment", after(folder, n, None, False)))
    sandboxed = sandbox_available()[0]
    if sandboxed:
        rows.append(("after: the same, sandboxed (read-only, no network)", after(folder, n, None, True)))
    if built is not None:
        rows.append((f"after: worker of the {built.info.name} environment", after(folder, n, str(built.python), False)))
        if sandboxed:
            rows.append(
                (f"after: the {built.info.name} environment, sandboxed", after(folder, n, str(built.python), True))
            )
    print(f"{n} submissions, a Keras and a skops model each, 3000 rows; median seconds per submission")
    for label, times in rows:
        print(f"  {label:<58} {statistics.median(times):6.2f}")


if __name__ == "__main__":
    main()
