"""Overhead of ``grader check`` against a plain nbclient run of the same notebook.

    .venv/bin/python bench/overhead.py [--notebook reference/11_hcv.ipynb] [--rubric hcv]
                                       [--data-dir ../shared/data] [--repeat 3] [--sandbox]

Both runs happen in this one command, alternating, so they share the machine's state; the
report is the ratio of medians (grader / plain), never an absolute target.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent


def plain_run(notebook: Path, data_files: list[Path]) -> float:
    """Seconds for nbclient alone, in a fresh folder holding the notebook and its data."""
    with tempfile.TemporaryDirectory() as folder:
        for data in data_files:
            shutil.copy(data, folder)
        nb = nbformat.read(str(notebook), as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": folder}}).execute()
        return time.perf_counter() - start


def grader_run(notebook: Path, rubric: str, data_dir: Path | None, sandbox: bool) -> float:
    """Seconds for ``grader check`` (no cache: it executes, probes, re-evaluates and scores)."""
    command = [str(Path(sys.executable).with_name("grader")), "check", str(notebook), "--rubric", rubric, "--no-cache"]
    if data_dir:
        command += ["--data-dir", str(data_dir)]
    if sandbox:
        command += ["--sandbox"]
    start = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    """Run both, alternating, and print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default=str(REPO / "reference" / "11_hcv.ipynb"))
    parser.add_argument("--rubric", default="hcv")
    parser.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sandbox", action="store_true", help="grade inside the bubblewrap sandbox")
    args = parser.parse_args()
    notebook, data_dir = Path(args.notebook), Path(args.data_dir) if args.data_dir else None
    data_files = sorted(data_dir.glob("*.csv")) if data_dir and data_dir.is_dir() else []
    plain, graded = [], []
    for _ in range(args.repeat):
        plain.append(plain_run(notebook, data_files))
        graded.append(grader_run(notebook, args.rubric, data_dir, args.sandbox))
    p, g = statistics.median(plain), statistics.median(graded)
    print(f"notebook {notebook.name}, {args.repeat} runs each, sandbox={'on' if args.sandbox else 'off'}")
    print(f"plain nbclient: median {p:.1f} s  (runs: {', '.join(f'{x:.1f}' for x in plain)})")
    print(f"grader check:   median {g:.1f} s  (runs: {', '.join(f'{x:.1f}' for x in graded)})")
    print(f"overhead ratio grader/plain: {g / p:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
