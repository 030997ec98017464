"""``grader check`` against otter-grader's ``otter run`` and plain nbclient, on the same HCV
notebooks, in one command:

    flock /tmp/kernel.lock .venv/bin/python bench/peer.py [--only hcv,crash_midway] [--repeat 3]
                                                         [--data-dir ../shared/data] [--otter PATH]

otter is never a dependency of the grader: the bench makes its own virtual environment once
(``~/.cache/grader-bench/otter-venv``: ``otter-grader``, ``ipykernel`` and the pins of the
rubric's grading environment, so otter's kernel runs the same library versions as the grader's),
or takes one with ``--otter PATH`` (the venv, or its ``otter`` executable).  From the HCV reference
it builds an otter autograder the documented way: two OK-format test files - ``split`` (public:
the training, validation and test rows add up to the cleaned data's rows) and ``accuracy``
(hidden: ``test_acc`` beats always answering "blood donor", 81 of 92 test rows) - zipped by
``otter generate`` with ``hcvdat0.csv`` as a support file (otter copies it beside the submission).

For each notebook (``hcv`` is the reference, the others are ``submissions_example/hcv/`` stems)
the three tools run interleaved, ``--repeat`` rounds, the order rotating each round:

* plain nbclient, in a fresh folder holding the notebook and ``hcvdat0.csv``, with the grading
  environment's interpreter (errors allowed, as the others do);
* ``otter run -a autograder.zip NOTEBOOK`` (no Docker);
* ``grader check NOTEBOOK --rubric hcv --no-cache --sandbox --data-dir DIR``.

Every time is the whole command's wall time.  It prints each tool's median, the ratios
grader/plain, otter/plain and grader/otter, and each tool's verdict (cells that raised, otter's
score, the grader's score), so a peer that silently failed shows.  The figures are this
machine's, not targets.  Exit 1 when a tool did not grade (otter's results missing or its tests
not run, the grader's exit 2 or 3).
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
from dataclasses import dataclass
from pathlib import Path

from hcv_kit import (
    DATA_FILE,
    EXAMPLES,
    GRADER,
    REFERENCE,
    KernelEnv,
    data_file,
    default_data_dir,
    kernel_env,
    machine_line,
    plain_run,
)

DEFAULT_NOTEBOOKS = ("hcv", "crash_midway", "no_tuning")
OTTER_HOME = Path.home() / ".cache" / "grader-bench" / "otter-venv"
TOOLS = ("plain", "otter", "grader")

# OK-format test files (otter's documented format: a ``test`` dict of doctest suites and OK_FORMAT).
SPLIT_TEST = """OK_FORMAT = True

test = {
    "name": "split",
    "points": 1,
    "suites": [
        {
            "cases": [
                {
                    "code": ">>> len(X_train) + len(X_val) + len(X_test) == len(df)\\nTrue",
                    "hidden": False,
                    "locked": False,
                },
            ],
            "scored": True,
            "setup": "",
            "teardown": "",
            "type": "doctest",
        },
    ],
}
"""
ACCURACY_TEST = """OK_FORMAT = True

test = {
    "name": "accuracy",
    "points": 1,
    "suites": [
        {
            "cases": [
                {
                    "code": ">>> bool(test_acc > 81 / 92)\\nTrue",
                    "hidden": True,
                    "locked": False,
                },
            ],
            "scored": True,
            "setup": "",
            "teardown": "",
            "type": "doctest",
        },
    ],
}
"""


def find_uv() -> str | None:
    """The ``uv`` the grader builds environments with, else one on PATH."""
    try:
        from grader.environments.build import uv_binary

        return uv_binary()
    except (ImportError, OSError):
        return shutil.which("uv")


def otter_executable(given: str | None, env: KernelEnv) -> Path:
    """``otter`` from ``--otter PATH``, else from the bench's own cached venv (made on first use)."""
    if given:
        path = Path(given).expanduser()
        otter = path if path.is_file() else path / "bin" / "otter"
        if not otter.is_file():
            sys.exit(f"--otter {given}: no otter executable there (give the venv or its bin/otter)")
        return otter
    requirements = ["otter-grader", "ipykernel", *env.requirements]
    marker = OTTER_HOME / "bench-requirements.txt"
    otter = OTTER_HOME / "bin" / "otter"
    wanted = "\n".join(requirements) + "\n"
    if otter.is_file() and marker.is_file() and marker.read_text() == wanted:
        return otter
    print(f"making {OTTER_HOME} (otter-grader, ipykernel and {len(env.requirements)} pins) ...", flush=True)
    shutil.rmtree(OTTER_HOME, ignore_errors=True)
    OTTER_HOME.parent.mkdir(parents=True, exist_ok=True)
    uv = find_uv()
    if uv:
        steps = [[uv, "venv", "-q", "--python", sys.executable, str(OTTER_HOME)]]
        install = [uv, "pip", "install", "-q", "--python", str(OTTER_HOME / "bin" / "python")]
    else:
        steps = [[sys.executable, "-m", "venv", str(OTTER_HOME)]]
        install = [str(OTTER_HOME / "bin" / "python"), "-m", "pip", "install", "-q"]
    steps.append(install + requirements)
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"could not make the otter venv ({' '.join(step[:3])} ...): {done.stderr.strip()[-400:]}")
    marker.write_text(wanted)
    return otter


def otter_versions(otter: Path) -> str:
    """otter's version and the main libraries its kernel gets."""
    python = otter.with_name("python")
    code = (
        "import importlib.metadata as m\n"
        "for n in ('otter-grader', 'tensorflow-cpu', 'tensorflow', 'keras', 'scikit-learn'):\n"
        "    try: print(n, m.version(n))\n"
        "    except m.PackageNotFoundError: pass\n"
    )
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    return ", ".join(done.stdout.split("\n")[:-1]) or "versions unknown"


def build_autograder(otter: Path, data: Path, folder: Path) -> Path:
    """``otter generate`` of the two test files, with the data as a support file."""
    tests = folder / "tests"
    tests.mkdir(parents=True)
    (tests / "split.py").write_text(SPLIT_TEST)
    (tests / "accuracy.py").write_text(ACCURACY_TEST)
    shutil.copy(data, folder / DATA_FILE)
    command = [str(otter), "generate", "-t", "tests", "-o", "autograder.zip"]
    command += ["--no-config", "--no-requirements", "--no-environment", DATA_FILE]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    if done.returncode != 0 or not (folder / "autograder.zip").is_file():
        sys.exit(f"otter generate failed: {(done.stderr or done.stdout).strip()[-600:]}")
    return folder / "autograder.zip"


@dataclass
class Timed:
    seconds: float
    verdict: str
    ok: bool


def run_plain(env: KernelEnv, notebook: Path, data: Path, scratch: Path) -> Timed:
    run = plain_run(env.python, notebook, data, scratch)
    raised = f"cells {', '.join(map(str, run.failed))} raised" if run.failed else "no cell raised"
    return Timed(run.seconds, f"{run.cells} code cells, {raised}" if run.ok else "FAILED", run.ok)


def run_otter(otter: Path, autograder: Path, notebook: Path, scratch: Path) -> Timed:
    """``otter run``; its score from its results JSON (both tests must have been run)."""
    folder = Path(tempfile.mkdtemp(prefix="otter-", dir=scratch))
    submission = folder / notebook.name
    shutil.copy(notebook, submission)
    command = [str(otter), "run", "-a", str(autograder), "-o", str(folder), "--no-logo", str(submission)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    results = folder / "results.json"
    try:
        found = json.loads(results.read_text())
    except (OSError, ValueError):
        tail = (done.stderr or done.stdout).strip()[-400:]
        return Timed(seconds, f"FAILED: no results.json (exit {done.returncode}): {tail}", False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    scored = {t["name"]: t for t in found.get("tests", []) if "max_score" in t}
    if set(scored) != {"split", "accuracy"}:
        names = [t.get("name") for t in found.get("tests", [])]
        return Timed(seconds, f"FAILED: otter graded {names}", False)
    score = sum(t["score"] for t in scored.values())
    passed = [name for name, t in sorted(scored.items()) if t["score"] == t["max_score"]]
    return Timed(seconds, f"score {score:g}/2 (passed: {', '.join(passed) or 'none'})", True)


def run_grader(env: KernelEnv, notebook: Path, data_dir: Path, scratch: Path) -> Timed:
    """``grader check`` from nothing (no cache), sandboxed; its score from ``--json``."""
    out = scratch / f"grader-{time.monotonic_ns()}.json"
    command = [GRADER, "check", str(notebook), "--rubric", "hcv", "--no-cache", "--sandbox"]
    command += ["--data-dir", str(data_dir), "--json", str(out), *env.grader_args]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1) or not out.is_file():
        return Timed(seconds, f"FAILED (exit {done.returncode}): {done.stderr.strip()[-400:]}", False)
    result = json.loads(out.read_text())
    out.unlink()
    return Timed(seconds, f"score {result['score']:g}/{result['max_score']:g} ({result['status']})", True)


def notebooks(only: str | None) -> dict[str, Path]:
    """The notebooks by name: ``hcv`` is the reference, the rest are example stems."""
    names = [n.strip() for n in only.split(",") if n.strip()] if only else list(DEFAULT_NOTEBOOKS)
    found = {}
    for name in names:
        path = REFERENCE if name == "hcv" else EXAMPLES / f"{name}.ipynb"
        if not path.is_file():
            sys.exit(f"--only {name}: no such notebook (hcv, or a stem in {EXAMPLES.relative_to(EXAMPLES.parents[1])})")
        found[name] = path
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help=f"notebooks, comma-separated (default {','.join(DEFAULT_NOTEBOOKS)})")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", default=str(default_data_dir()))
    parser.add_argument("--otter", help="an otter-grader venv (or its bin/otter) instead of the bench's own")
    args = parser.parse_args()
    chosen = notebooks(args.only)
    data_dir = Path(args.data_dir).resolve()
    data = data_file(data_dir)
    env = kernel_env("hcv")
    otter = otter_executable(args.otter, env)
    print(machine_line())
    print(f"kernels: {env.label}; otter venv: {otter.parent.parent} ({otter_versions(otter)})")
    print(f"{len(chosen)} notebooks x {args.repeat} rounds; grader check --no-cache --sandbox; whole-command times")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
        scratch = Path(tmp)
        autograder = build_autograder(otter, data, scratch / "assignment")
        times: dict[str, dict[str, list[float]]] = {name: {tool: [] for tool in TOOLS} for name in chosen}
        verdicts: dict[str, dict[str, set[str]]] = {name: {tool: set() for tool in TOOLS} for name in chosen}
        for round_ in range(args.repeat):
            order = TOOLS[round_ % 3 :] + TOOLS[: round_ % 3]
            for name, notebook in chosen.items():
                for tool in order:
                    if tool == "plain":
                        timed = run_plain(env, notebook, data, scratch)
                    elif tool == "otter":
                        timed = run_otter(otter, autograder, notebook, scratch)
                    else:
                        timed = run_grader(env, notebook, data_dir, scratch)
                    failures += not timed.ok
                    times[name][tool].append(timed.seconds)
                    verdicts[name][tool].add(timed.verdict)
                    line = f"  round {round_ + 1} {name:<14} {tool:<6} {timed.seconds:6.1f} s  {timed.verdict}"
                    print(line, flush=True)
    print()
    print(f"{'notebook':<14} {'plain':>7} {'otter':>7} {'grader':>7}   grader/plain otter/plain grader/otter")
    for name in chosen:
        p, o, g = (statistics.median(times[name][tool]) for tool in TOOLS)
        print(f"{name:<14} {p:6.1f}s {o:6.1f}s {g:6.1f}s   {g / p:12.2f} {o / p:11.2f} {g / o:12.2f}")
    for name in chosen:
        for tool in TOOLS:
            print(f"  {name} {tool}: {' | '.join(sorted(verdicts[name][tool]))}")
    if failures:
        print(f"{failures} runs did not grade: their times are not comparable")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
