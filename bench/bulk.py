"""A class of HCV submissions graded by ``grader grade`` with 1 and with 2 workers, against plain
nbclient running the same notebooks one by one, in one command:

    flock /tmp/kernel.lock .venv/bin/python bench/bulk.py [--count 20] [--only-workers 2]
                                                         [--data-dir ../shared/data]

The class is ``--count`` copies, renamed ``student01.ipynb`` ..., of the HCV reference and the
examples in ``submissions_example/hcv/`` that run outside Colab and Kaggle as they are (they read
``hcvdat0.csv`` beside them and have no shell or ``google.colab`` lines), taken in turn.

* plain nbclient: each notebook in a fresh folder holding it and ``hcvdat0.csv``, with the grading
  environment's interpreter (errors allowed, as the grader does), one after the other;
* ``grader grade CLASS --out OUT --rubric hcv --no-cache --workers N --data-dir DIR`` (sandboxed
  when bubblewrap works), for each worker count (default 1 and 2; ``--only-workers 2`` times only
  those).  When the rubric's environment (``colab``) is not built the grader gets ``--env own``
  and the printout says so.

It prints the three wall times, the ratios to the plain serial run (the target for 2 workers is at
most 0.55) and, with psutil, the peak memory (RSS summed over the process tree: the whole run, and
the largest single job - one notebook's launcher, sandbox, kernel and re-evaluation worker).  It
checks that every submission was graded and that 1 and 2 workers gave the same results.  The
figures are this machine's, not targets.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from hcv_kit import (
    EXAMPLES,
    GRADER,
    REFERENCE,
    PeakMemory,
    data_file,
    default_data_dir,
    kernel_env,
    machine_line,
    mib,
    plain_run,
)

NOT_LOCAL = ("google.colab", "/content/", "/kaggle/", "files.upload", "uploaded[")


def runs_locally(notebook: Path) -> bool:
    """Reads ``hcvdat0.csv`` beside it, with no shell line, magic or Colab/Kaggle path."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    lines = [
        line.strip() for cell in cells if cell["cell_type"] == "code" for line in "".join(cell["source"]).splitlines()
    ]
    code = "\n".join(lines)
    return not any(line.startswith(("!", "%")) for line in lines) and not any(word in code for word in NOT_LOCAL)


def make_class(folder: Path, count: int) -> list[Path]:
    """``count`` submissions: the reference and the local examples, in turn, renamed."""
    sources = [REFERENCE, *(p for p in sorted(EXAMPLES.glob("*.ipynb")) if runs_locally(p))]
    folder.mkdir(parents=True)
    made = []
    for number in range(count):
        target = folder / f"student{number + 1:02d}.ipynb"
        shutil.copy(sources[number % len(sources)], target)
        made.append(target)
    names = ", ".join(p.stem for p in sources[: min(count, len(sources))])
    print(f"{count} submissions, copies of: {names}")
    return made


def grade(folder: Path, out: Path, workers: int, data_dir: Path, extra: list[str]) -> tuple[float, int, PeakMemory]:
    """Seconds, exit code and peak memory of one ``grader grade`` from nothing."""
    command = [GRADER, "grade", str(folder), "--out", str(out), "--rubric", "hcv", "--no-cache"]
    command += ["--workers", str(workers), "--data-dir", str(data_dir), *extra]
    peak = PeakMemory()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with peak.watching(process.pid):
        _, err = process.communicate()
    seconds = time.perf_counter() - start
    if process.returncode not in (0, 1):
        print(f"  grader grade --workers {workers} exited {process.returncode}: {err.strip()[-600:]}", file=sys.stderr)
    return seconds, process.returncode, peak


def results(out: Path) -> list[dict[str, Any]]:
    path = out / "results.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def verdicts(rows: list[dict[str, Any]]) -> list[tuple[object, ...]]:
    """What must not depend on the worker count: each submission's status, score and item verdicts."""
    return sorted(
        (r["submission"], r["status"], r["score"], tuple((i["id"], i["passed"]) for i in r["items"])) for r in rows
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--only-workers", default="1,2", help="worker counts to time, comma-separated (default 1,2)")
    parser.add_argument("--data-dir", default=str(default_data_dir()))
    args = parser.parse_args()
    counts = [int(n) for n in args.only_workers.split(",")]
    data_dir = Path(args.data_dir).resolve()
    data = data_file(data_dir)
    env = kernel_env("hcv")
    from grader.sandbox import sandbox_available

    sandbox, why = sandbox_available()
    print(machine_line())
    print(f"kernels: {env.label}; grader: {'sandboxed' if sandbox else 'no sandbox (' + why + ')'}, --no-cache")
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp:
        scratch = Path(tmp)
        submissions = make_class(scratch / "class", args.count)
        plain_peak = PeakMemory()
        start = time.perf_counter()
        plain_runs = [plain_run(env.python, nb, data, scratch, plain_peak) for nb in submissions]
        plain = time.perf_counter() - start
        raised = sum(bool(r.failed) for r in plain_runs)
        memory = f"; peak per notebook {mib(plain_peak.job)}" if plain_peak.available else ""
        print(
            f"plain nbclient, one by one: {plain:7.1f} s  ({sum(r.ok for r in plain_runs)}/{len(plain_runs)} ran, "
            f"{raised} with a cell that raised{memory})",
            flush=True,
        )
        ok &= all(r.ok for r in plain_runs)
        timed: dict[int, float] = {}
        seen: dict[int, list[tuple[object, ...]]] = {}
        for workers in counts:
            out = scratch / f"out-{workers}"
            seconds, code, peak = grade(scratch / "class", out, workers, data_dir, env.grader_args)
            rows = results(out)
            timed[workers], seen[workers] = seconds, verdicts(rows)
            statuses = Counter(str(r["status"]) for r in rows)
            memory = f"; peak {mib(peak.total)} in all, {mib(peak.job)} per job" if peak.available else ""
            print(
                f"grader grade --workers {workers}: {seconds:7.1f} s  (exit {code}; {len(rows)}/{args.count} results: "
                f"{', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}{memory})",
                flush=True,
            )
            ok &= code in (0, 1) and len(rows) == args.count
    for workers, seconds in timed.items():
        target = "  (target <= 0.55)" if workers == 2 else ""
        print(f"ratio grader --workers {workers} / plain serial: {seconds / plain:.2f}{target}")
    if 1 in timed and 2 in timed:
        print(f"ratio --workers 2 / --workers 1: {timed[2] / timed[1]:.2f}")
        same = seen[1] == seen[2]
        print(f"same results with 1 and 2 workers: {'yes' if same else 'NO'}")
        ok &= same
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
