"""Wall time of ``grader grade`` on the 30-submission mixed class of the tests
(``tests/class_folder.py``: perceptron and activations examples, one hostile, one file that is
not a notebook, one student twice), with 1 and with 2 workers (or the counts given) and on a Dask
``LocalCluster`` of 2 workers (``--executor dask-local``; ``--no-dask`` leaves it out), each from
nothing (``--no-cache``, a fresh output folder), in one command:

    flock /tmp/kernel.lock .venv/bin/python bench/class_workers.py [--workers 1,2] [--no-dask] [--no-sandbox]

Prints one line per worker count (seconds, and the speed-up over the first count) and the
machine's usable cores.  With N workers each kernel's BLAS/OpenMP/TensorFlow threads are held to
cores // N.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from class_folder import make_mixed_class  # noqa: E402

from grader.execute.threads import thread_share, usable_cores  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2", help="worker counts to time, comma-separated")
    parser.add_argument("--no-sandbox", action="store_true")
    parser.add_argument("--no-dask", action="store_true", help="do not time --executor dask-local")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    runs = [(n, "local") for n in counts] + ([] if args.no_dask else [(2, "dask-local")])
    cores = usable_cores()
    with tempfile.TemporaryDirectory(prefix="bench-class-") as scratch:
        mixed = make_mixed_class(Path(scratch))
        first = None
        print(f"{mixed.total} submissions, {cores} usable cores")
        for workers, executor in runs:
            out = Path(scratch) / f"out-{workers}-{executor}"
            command = [sys.executable, "-m", "grader", "grade", str(mixed.folder), "--out", str(out), "--no-cache"]
            command += ["--workers", str(workers), "--executor", executor]
            command += ["--no-sandbox"] if args.no_sandbox else []
            start = time.monotonic()
            done = subprocess.run(command, capture_output=True, text=True)
            seconds = time.monotonic() - start
            first = first or seconds
            print(
                f"--executor {executor} --workers {workers} (threads per kernel {thread_share(cores, workers)}): "
                f"{seconds:.1f} s "
                f"(exit {done.returncode}; x{first / seconds:.2f} of --workers {counts[0]})",
                flush=True,
            )
            if done.returncode not in (0, 1):
                print(done.stderr[-2000:], file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
