"""Overhead of ``grader check`` against a plain nbclient run of the same notebook, and where the
grader's extra seconds go.

    .venv/bin/python bench/overhead.py [--only iris_mlp,hcv] [--repeat 3] [--no-sandbox]
                                       [--data-dir ../shared/data]

For each notebook of the set (the Iris MLPClassifier, Iris Keras, MNIST CNN and HCV references
and two HCV examples) both runs happen in this one command, alternating, so they share the
machine's state; the report is the ratio of medians (grader / plain), never an absolute target.
Both are whole commands (interpreter start included) with the same interpreter for the kernel:
the rubric's grading environment when it is built (``colab`` for HCV), else the grader's own
(and ``grader check`` then gets ``--env own``), so both run the notebook on the same versions.
``grader check`` runs with ``--no-cache`` (it executes, probes, re-evaluates and scores) and, by
default, in the bubblewrap sandbox.  The breakdown comes from the result JSON's ``timings``
(``grader.pipeline.grade.phase_seconds``); ``process`` is the rest of the command's wall time
(interpreter start, imports, reading the rubric, writing the reports).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from hcv_kit import PLAIN_SCRIPT, kernel_env

REPO = Path(__file__).resolve().parent.parent
SET = {
    "iris_mlp": ("reference/04_iris_mlp_sklearn.ipynb", "iris_mlp"),
    "iris_keras": ("reference/05_iris_keras.ipynb", "iris_keras"),
    "mnist_cnn": ("reference/07_mnist_cnn.ipynb", "mnist_cnn"),
    "hcv": ("reference/11_hcv.ipynb", "hcv"),
    "hcv_colab_habits": ("submissions_example/hcv/colab_habits.ipynb", "hcv"),
    "hcv_crash_midway": ("submissions_example/hcv/crash_midway.ipynb", "hcv"),
}
PHASES = ("launch", "kernel", "cells", "finish", "shutdown", "evidence", "reeval", "checks", "process")


MNIST_SETUP = """import numpy as _np, keras as _keras
def _mnist(path=None):
    d = _np.load({path!r})
    return (d["x_train"], d["y_train"]), (d["x_test"], d["y_test"])
_keras.datasets.mnist.load_data = _mnist
"""


def mnist_file(data_files: list[Path]) -> Path | None:
    """The MNIST file the grader gives a notebook: the real ``mnist.npz`` of ``--data-dir``, else
    its stand-in (made and cached on first use)."""
    real = [f for f in data_files if f.name == "mnist.npz"]
    if real:
        return real[0]
    from grader.datasets.mnist_standin import cache_path, stage_standin

    target = Path(tempfile.mkdtemp()) / "mnist.npz"
    stage_standin(target)
    shutil.rmtree(target.parent, ignore_errors=True)
    return cache_path() if cache_path().is_file() else None


def plain_run(notebook: Path, data_files: list[Path], python: str) -> float:
    """Seconds for nbclient alone (a whole command, with ``python`` and its kernel), in a fresh
    folder holding the notebook and its data."""
    with tempfile.TemporaryDirectory() as folder:
        for data in data_files:
            shutil.copy(data, folder)
        copy = Path(folder) / notebook.name
        nb = nbformat.read(str(notebook), as_version=4)
        mnist = mnist_file(data_files)
        if mnist is not None and "mnist.load_data" in "".join(c.source for c in nb.cells):
            # what the grader serves it (no download here): the same file, loaded the same way
            nb.cells.insert(0, nbformat.v4.new_code_cell(MNIST_SETUP.format(path=str(mnist))))
        nbformat.write(nb, str(copy))
        start = time.perf_counter()
        done = subprocess.run(
            [python, "-c", PLAIN_SCRIPT, str(copy), folder],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"bench: plain nbclient failed on {notebook}: {done.stderr.strip()[-400:]}")
        return seconds


def grader_run(
    notebook: Path,
    rubric: str,
    data_dir: Path | None,
    sandbox: bool,
    grader: str | None = None,
    extra: list[str] | None = None,
) -> tuple[float, dict[str, float]]:
    """Seconds for ``grader check`` (this checkout's, or the ``grader`` executable given) and where
    they went."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        command = [
            grader or str(Path(sys.executable).with_name("grader")),
            "check",
            str(notebook),
            "--rubric",
            rubric,
            "--no-cache",
            "--json",
            str(out),
        ]
        if sandbox:
            command.append("--sandbox")
        if data_dir:
            command += ["--data-dir", str(data_dir)]
        command += extra or []
        start = time.perf_counter()
        subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        if not out.is_file():
            raise SystemExit(f"bench: grader check wrote no result for {notebook} ({' '.join(command)})")
        data = json.loads(out.read_text(encoding="utf-8"))
    phases = {k: float(v) for k, v in (data.get("timings") or {}).items()}
    phases["process"] = max(0.0, wall - float(data.get("duration_s", 0.0)))
    return wall, phases


def machine() -> str:
    return f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"


def main() -> int:
    """Run both, alternating, and print the medians, their ratio and the grader's breakdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help=f"comma-separated subset of {', '.join(SET)}")
    parser.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--before",
        metavar="GRADER",
        help="another grader executable (e.g. an older checkout's .venv/bin/grader) timed in the same rounds",
    )
    parser.add_argument(
        "--no-sandbox", action="store_true", help="do not require the sandbox (check still uses it when it can)"
    )
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(SET)
    unknown = [n for n in names if n not in SET]
    if unknown:
        raise SystemExit(f"bench: unknown notebook {unknown[0]}; choose from {', '.join(SET)}")
    data_dir = Path(args.data_dir) if args.data_dir and Path(args.data_dir).is_dir() else None
    data_files = sorted([*data_dir.glob("*.csv"), *data_dir.glob("mnist.npz")]) if data_dir else []
    sandbox = not args.no_sandbox
    where = "required" if sandbox else "if available"
    print(f"# bench/overhead.py, {args.repeat} runs each, sandbox {where}; {machine()}")
    if data_dir is None:
        print(
            "# no --data-dir: the HCV notebooks read the grader's stand-in (plain nbclient cannot: its ratio is moot)"
        )
    print(
        f"{'notebook':<18} {'plain s':>8} {'grader s':>9} {'ratio':>6} {'extra s':>8}  "
        + " ".join(f"{p:>8}" for p in PHASES)
    )
    for name in names:
        path, rubric = SET[name]
        notebook = REPO / path
        env = kernel_env(rubric)
        print(f"# {name}: kernels with {env.label}", flush=True)
        plain: list[float] = []
        graded: list[float] = []
        before: list[float] = []
        phases: dict[str, list[float]] = {}
        for _ in range(args.repeat):
            plain.append(plain_run(notebook, data_files, env.python))
            wall, parts = grader_run(notebook, rubric, data_dir, sandbox, extra=env.grader_args)
            graded.append(wall)
            for phase, seconds in parts.items():
                phases.setdefault(phase, []).append(seconds)
            if args.before:
                before.append(grader_run(notebook, rubric, data_dir, sandbox, args.before, env.grader_args)[0])
        p, g = statistics.median(plain), statistics.median(graded)
        medians = {phase: statistics.median(values) for phase, values in phases.items()}
        print(
            f"{name:<18} {p:>8.1f} {g:>9.1f} {g / p:>6.2f} {g - p:>8.1f}  "
            + " ".join(f"{medians.get(phase, 0.0):>8.2f}" for phase in PHASES),
            flush=True,
        )
        if before:
            b = statistics.median(before)
            print(f"{'  (before)':<18} {p:>8.1f} {b:>9.1f} {b / p:>6.2f} {b - p:>8.1f}  (--before {args.before})")
    print("# extra s = grader − plain (medians); phases: medians of grader check's own timings (s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
