"""Wall time of ``grader grade`` on one class with the local executor (1 and 2 workers) and on a
Dask ``LocalCluster`` of 2 workers (``--executor dask-local``), measured in one command.

    .venv/bin/python bench/executors.py [--rubrics perceptron activations] [--repeat 1]

Every run grades the same copy of ``submissions_example/<rubric>/`` (default: the perceptron and
activations examples, 9 notebooks) with ``--no-cache``, sandboxed when bubblewrap works; the runs
alternate, so they share the machine's state.  It prints each median and its ratio to local with
1 worker (the figures are this machine's, not targets), and checks that every run gave the same
results (scores, statuses, item verdicts).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNS = {
    "local, --workers 1": ["--workers", "1"],
    "local, --workers 2": ["--workers", "2"],
    "dask-local, --workers 2": ["--workers", "2", "--executor", "dask-local"],
}


def grade(folder: Path, out: Path, extra: list[str], sandbox: bool) -> float:
    """Seconds for one ``grader grade`` (from the command's start to its exit: a Dask cluster's
    start-up and shutdown are counted)."""
    command = [str(Path(sys.executable).with_name("grader")), "grade", str(folder), "--out", str(out), "--no-cache"]
    command += extra + ([] if sandbox else ["--no-sandbox"])
    start = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def verdicts(out: Path) -> list[tuple[object, ...]]:
    """What must not depend on the executor: each submission's status, score and item verdicts."""
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    return sorted(
        (r["submission"], r["status"], r["score"], tuple((i["id"], i["passed"], i["points"]) for i in r["items"]))
        for r in rows
    )


def main() -> int:
    """Grade the class with each executor, alternating; print medians, ratios and whether results agree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rubrics", nargs="+", default=["perceptron", "activations"])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    from grader.sandbox import sandbox_available

    sandbox = sandbox_available()[0]
    with tempfile.TemporaryDirectory(prefix="bench-executors-") as scratch:
        folder = Path(scratch) / "class"
        for rubric in args.rubrics:
            shutil.copytree(REPO / "submissions_example" / rubric, folder / rubric)
        count = len(list(folder.rglob("*.ipynb")))
        times: dict[str, list[float]] = {name: [] for name in RUNS}
        seen: dict[str, list[tuple[object, ...]]] = {}
        for round_ in range(args.repeat):
            for name, extra in RUNS.items():
                out = Path(scratch) / f"out-{round_}-{len(seen)}-{extra[-1]}"
                times[name].append(grade(folder, out, extra, sandbox))
                seen[f"{name} #{round_}"] = verdicts(out)
    print(f"{count} notebooks ({', '.join(args.rubrics)}), {'sandboxed' if sandbox else 'no sandbox'}, --no-cache")
    base = statistics.median(times["local, --workers 1"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<26} {median:6.1f} s   x{median / base:.2f} of local 1 worker")
    same = len({json.dumps(v) for v in seen.values()}) == 1
    print(f"  same results in every run: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
