"""What TensorFlow's oneDNN costs or buys a notebook: plain nbclient on it with
``TF_ENABLE_ONEDNN_OPTS=0`` and with ``=1``, in one command, nothing else changed:

    flock /tmp/kernel.lock .venv/bin/python bench/onednn.py [--notebook reference/07_mnist_cnn.ipynb]

The grader's kernel and re-evaluation worker run with oneDNN off (``execute/worker.py``,
``reeval/worker.py``); plain nbclient and Colab run with TensorFlow's default (on).  MNIST is
served the way ``bench/overhead.py`` serves it (the grader's stand-in, or ``mnist.npz`` of
``--data-dir``).  Whole-command seconds with this interpreter and its kernel.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from hcv_kit import PLAIN_SCRIPT, REPO
from overhead import MNIST_SETUP, mnist_file


def plain_seconds(notebook: Path, onednn: str, data_files: list[Path]) -> tuple[float, str]:
    """One plain nbclient run of ``notebook`` with ``TF_ENABLE_ONEDNN_OPTS=onednn``."""
    with tempfile.TemporaryDirectory() as folder:
        nb = nbformat.read(str(notebook), as_version=4)
        mnist = mnist_file(data_files)
        if mnist is not None and "mnist.load_data" in "".join(c.source for c in nb.cells):
            nb.cells.insert(0, nbformat.v4.new_code_cell(MNIST_SETUP.format(path=str(mnist))))
        copy = Path(folder) / notebook.name
        nbformat.write(nb, str(copy))
        env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS=onednn, TF_DETERMINISTIC_OPS="1")
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PLAIN_SCRIPT, str(copy), folder], env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"bench: plain nbclient failed: {done.stderr.strip()[-400:]}")
        return seconds, done.stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default=str(REPO / "reference" / "07_mnist_cnn.ipynb"))
    parser.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"))
    args = parser.parse_args()
    data_dir = Path(args.data_dir)
    data_files = sorted(data_dir.glob("mnist.npz")) if data_dir.is_dir() else []
    notebook = Path(args.notebook)
    times = {}
    for flag in ("0", "1"):
        seconds, cells = plain_seconds(notebook, flag, data_files)
        times[flag] = seconds
        print(f"TF_ENABLE_ONEDNN_OPTS={flag}: {seconds:7.1f} s  ({notebook.name}: {cells})", flush=True)
    print(f"ratio off / on: {times['0'] / times['1']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
