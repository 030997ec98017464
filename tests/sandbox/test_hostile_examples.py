"""Every hostile example in ``submissions_example/hostile/`` graded through the pipeline, sandboxed.

``tests/examples/test_examples.py`` already compares each example's items with its
``*.expected.json``.  This module checks what that one does not, per example:

* the result status and a message a student can read (the one-line reason, the error of the
  hostile cell, and the ``runs`` feedback that repeats it);
* the cells before the hostile one ran, and the cells after it ran too where the kernel lived;
* nothing outside the run's workspace changed: the repository's reference/, rubrics/, grader/
  and this folder of examples, the system folders the notebooks aim at, the test's own folder
  (a classmate's workspace and an answer-key canary included); the workspace itself holds at
  most a few MB whatever the notebook printed or wrote to its stdout;
* no process of the run outlives it, and the grader process is unharmed (rlimits, cwd,
  environment, open files, cgroup, signal handlers) and still grades the honest control
  (``honest.ipynb``) fully right after a hostile one (in the ``os_exit`` case);
* the snoop notebook's output names no reference, rubric or other submission, no canary, and
  none of the grader's own environment variables.

Each example is collected the way ``grader grade submissions_example`` collects it (with the
files handed in beside it) and gets its own workspace (no evidence cache), so the snapshots
bracket a real run.
"""

from __future__ import annotations

import ast
import functools
import importlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from grader.i18n import feedback_text
from grader.intake import collect_submissions
from grader.models.submission import Submission
from grader.pipeline import Graded, GradeSettings, grade_submission, rubric_from
from grader.reeval.memo import MEMO_DIR
from grader.sandbox import sandbox_available

from . import REPO, processes_running
from .host_state import grader_state, host_snapshot, names, outside, plant_canaries

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.notebook,
    pytest.mark.skipif(not sandbox_available()[0], reason=sandbox_available()[1] or "no sandbox"),
]

HOSTILE = REPO / "submissions_example" / "hostile"
RUBRIC = HOSTILE / "rubric.yaml"
CONTROL = "honest"
CASES = sorted(
    p.name.removesuffix(".expected.json")
    for p in HOSTILE.glob("*.expected.json")
    if p.name != f"{CONTROL}.expected.json"
)
MAX_WORKSPACE_BYTES = 20 * 2**20
"""The most a run may leave on the grader's disk (output past the per-cell cap is dropped)."""
MAX_SECONDS = 150
"""Notebook limit (90 s) plus start-up: a run that needs the launcher's hard limit is a bug."""

HOSTILE_CELL = {
    # example -> (index of the hostile cell, substrings its recorded error must contain)
    "endless_loop": (3, ("cell 3 ran past its 10 s limit",)),
    "sleep_past_limit": (2, ("cell 2 ran past its 10 s limit",)),
    "ignores_interrupt": (3, ("did not stop when interrupted",)),
    "memory_hog": (3, ("MemoryError", "(sandbox limit: 2048 MB of memory per process)")),
    "memory_hog_processes": (3, ("more than 2560 MB of memory",)),
    "process_spawner": (3, ("more than 256 processes or threads",)),
    "os_exit": (3, ("os._exit",)),
    "sys_exit": (3, ("SystemExit",)),
    "snoop_files": (2, ()),
    "network": (4, ("URLError",)),
    # an OSError either way: "Read-only file system" without the disk quota, "Permission denied"
    # with it (the workspace root on the quota tmpfs is r-x)
    "write_outside": (4, ("Error: [Errno",)),
    "flood_stdout": (3, ()),
    "tamper_accuracy_score": (3, ()),
    "tamper_remove_hooks": (4, ()),
    "tamper_fake_history": (4, ()),
    "tamper_probe_state": (3, ()),
    "kill_executor": (3, ("killed",)),
    "forge_outcome": (2, ("ZeroDivisionError",)),
}
UNREADABLE = ("Traceback", "IPKernelApp", "WARNING |", "status 137", "status -9", "worker", "nbclient", "\n")
"""Text that does not belong in what a student reads (log lines, internals, exit codes)."""


@dataclass(frozen=True)
class HostileRun:
    """One graded hostile example and what was measured around it."""

    name: str
    expected: dict
    graded: Graded
    seconds: float
    printed: list[str]
    """What each code cell printed (stdout and stderr), in order."""
    host_before: dict[str, object]
    host_after: dict[str, object]
    grader_before: dict[str, object]
    grader_after: dict[str, object]
    canaries: tuple[str, ...]

    @property
    def result(self):
        return self.graded.result

    @property
    def workspace(self):
        return self.graded.workspace


def cell_texts(executed: Path) -> list[str]:
    """Stream output (stdout and stderr) of each code cell of the executed notebook."""
    if not executed.exists():
        return []
    nb = nbformat.read(executed, as_version=4)
    return [
        "".join(o.get("text", "") for o in c.outputs if o.get("output_type") == "stream")
        for c in nb.cells
        if c.cell_type == "code" and c.source.strip()
    ]


@functools.cache
def collected() -> dict[str, Submission]:
    """The hostile examples as ``grader grade submissions_example`` (the README's first command)
    collects them: with the files handed in beside each notebook."""
    found = collect_submissions(REPO / "submissions_example")
    return {s.path.name: s for s in found if s.path.parent == HOSTILE}


def grade(notebook: Path, root: Path) -> tuple[Graded, float]:
    """Grade ``notebook`` with the hostile rubric, sandboxed, in a fresh workspace under ``root``."""
    settings = GradeSettings(rubric=rubric_from(str(RUBRIC)), sandboxed=True, cache=None, work_root=root)
    submission = collected()[notebook.name]
    assert submission.problem is None, submission.problem
    start = time.monotonic()
    graded = grade_submission(submission, settings)
    return graded, time.monotonic() - start


def run_example(name: str, root: Path, monkeypatch: pytest.MonkeyPatch) -> HostileRun:
    """Grade one example with snapshots of the host and of the grader process around it."""
    importlib.import_module("sklearn")  # its first import sets KMP_* in os.environ: not the notebook's doing
    token = secrets.token_hex(6)
    canaries = plant_canaries(root, token)
    monkeypatch.setenv(canaries[2], token)  # the grader's own environment must stay outside
    host_before, grader_before = host_snapshot(root), grader_state()
    graded, seconds = grade(HOSTILE / f"{name}.ipynb", root / "runs")
    host_after, grader_after = host_snapshot(root), grader_state()
    assert graded.workspace is not None, graded.result.reason
    for snap in (host_before, host_after):  # the run's own workspace is the one place it may change
        snap["test folder"] = outside(snap["test folder"], graded.workspace.root)
    expected = json.loads((HOSTILE / f"{name}.expected.json").read_text(encoding="utf-8"))
    executed = graded.workspace.out / "executed.ipynb"
    return HostileRun(
        name=name,
        expected=expected,
        graded=graded,
        seconds=seconds,
        printed=cell_texts(executed),
        host_before=host_before,
        host_after=host_after,
        grader_before=grader_before,
        grader_after=grader_after,
        canaries=canaries,
    )


# -- assertions ------------------------------------------------------------------------------------
def assert_readable(text: str | None, what: str) -> None:
    """One short line in words: no log lines, tracebacks or internals."""
    assert text, f"{what}: empty"
    assert len(text) <= 300, f"{what} is {len(text)} characters: {text[:300]!r}"
    found = [bad for bad in UNREADABLE if bad in text]
    assert not found, f"{what} is not for a student ({found}): {text!r}"


def assert_status_and_message(run: HostileRun) -> None:
    result, expected = run.result, run.expected
    assert result.status == expected["status"], f"{run.name}: {result.status} ({result.reason}) - {expected['why']}"
    if expected["status"] == "graded":
        assert result.reason is None, result.reason
    else:
        assert_readable(result.reason, f"{run.name}: the reason")
        assert expected["reason_contains"] in result.reason
    index, words = HOSTILE_CELL[run.name]
    cells = {c.index: c for c in result.cells}
    hostile = cells[index]
    for word in words:
        assert word in (hostile.error or ""), f"{run.name}: cell {index} error {hostile.error!r} lacks {word!r}"
    if hostile.error:
        assert_readable(hostile.error, f"{run.name}: cell {index}'s error")
    runs_item = next(i for i in result.items if i.check == "runs")
    if not runs_item.passed:
        first_error = next((c.error for c in result.cells if c.error), None)
        told = result.reason or hostile.error or first_error or ""
        assert told, f"{run.name}: the runs item failed with no reason and no cell error"
        assert told.splitlines()[0][:80] in feedback_text(runs_item), (
            f"runs feedback does not say why: {feedback_text(runs_item)}"
        )


def assert_cells_around_the_hostile_one(run: HostileRun) -> None:
    index, _ = HOSTILE_CELL[run.name]
    statuses = {c.index: c.status for c in run.result.cells}
    before = [i for i in statuses if i < index]
    assert all(statuses[i] == "ok" for i in before), f"{run.name}: cells before {index}: {statuses}"
    after = [i for i in statuses if i > index]
    if run.result.status in ("graded",) or (
        run.result.status == "timeout"
        and statuses[index] == "timeout"
        and "did not stop" not in (run.result.reason or "")
    ):
        assert all(statuses[i] == "ok" for i in after), f"{run.name}: later cells must run normally: {statuses}"
    elif run.result.status == "kernel_died" or "did not stop" in (run.result.reason or ""):
        assert all(statuses[i] == "not_run" for i in after), statuses


def assert_host_unchanged(run: HostileRun) -> None:
    for key, before in run.host_before.items():
        after = run.host_after[key]
        if before != after:
            if isinstance(before, dict) and isinstance(after, dict):
                added = sorted(set(after) - set(before))
                gone = sorted(set(before) - set(after))
                changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
                pytest.fail(f"{run.name} changed {key}: added {added[:5]}, removed {gone[:5]}, changed {changed[:5]}")
            pytest.fail(f"{run.name} changed {key}: {before} -> {after}")


def assert_workspace_bounded(run: HostileRun) -> None:
    root = run.workspace.root
    # the run's folders, and the re-evaluation answers the grader kept beside them (reeval.memo)
    kept = {"work", "home", "evidence", "out", "staged.json", MEMO_DIR}
    assert {p.name for p in root.iterdir()} <= kept, sorted(p.name for p in root.iterdir())
    sizes = {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}
    total = sum(sizes.values())
    biggest = sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
    assert total <= MAX_WORKSPACE_BYTES, f"{run.name} left {total / 2**20:.0f} MB on disk: {biggest}"


def assert_nothing_outlives_the_run(run: HostileRun) -> None:
    marker = str(run.workspace.root)
    left = []
    for entry in names("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    left.append(int(entry))
        except OSError:
            continue
    assert not left, f"{run.name}: processes of the run are still alive: {left}"
    facts = json.loads((run.workspace.out / "sandbox-run.json").read_text(encoding="utf-8"))
    for folder in facts.get("group", []):
        assert not os.path.exists(folder), f"cgroup left behind: {folder}"


def assert_grader_unharmed(run: HostileRun) -> None:
    before, after = run.grader_before, run.grader_after
    for key in before:
        assert before[key] == after[key], f"{run.name} changed the grader's {key}"


# -- tests -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_hostile_example(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Right status and message, nothing outside the sandbox touched, the grader unharmed."""
    (tmp_path / "runs").mkdir()
    run = run_example(name, tmp_path, monkeypatch)
    print(f"{name}: {run.result.status} in {run.seconds:.1f} s - {run.result.reason}")
    assert_status_and_message(run)
    assert_cells_around_the_hostile_one(run)
    assert_host_unchanged(run)
    assert_workspace_bounded(run)
    assert_nothing_outlives_the_run(run)
    assert_grader_unharmed(run)
    assert run.seconds < MAX_SECONDS, f"{name} took {run.seconds:.0f} s"
    if name == "process_spawner":
        assert processes_running("sleep", "600") == []
    if name == "os_exit":  # the cheapest hostile run: grade the honest control right after it
        assert_next_submission_graded_normally(tmp_path, monkeypatch)
    if name == "snoop_files":
        assert_snoop_saw_nothing(run)
    if name == "write_outside":
        refused = run.printed[2]
        assert "WROTE" not in refused, f"writes outside the notebook's folder went through:\n{refused}"
    if name == "flood_stdout":
        for index in (2, 3):  # both floods are cut at the cap, with a line that says so
            assert "output truncated here" in run.printed[index]
            assert len(run.printed[index]) <= 2_100_000


def forbidden_names() -> set[str]:
    """Names the snoop notebook must never print: references, rubrics, other submissions."""
    names = {p.name for p in (REPO / "reference").rglob("*") if p.is_file()}
    names |= {p.name for p in (REPO / "rubrics").glob("*.yaml")}
    names |= {p.name for p in (REPO / "submissions_example").rglob("*") if p.is_file()}
    names.discard("snoop_files.ipynb")  # its own copy is in its own folder
    return {n for n in names if len(n) > 6}


def assert_snoop_saw_nothing(run: HostileRun) -> None:
    printed = "\n".join(run.printed)
    assert "files found" in printed, "the snoop cell did not run"
    problems = []
    seen = sorted(n for n in forbidden_names() if n in printed)
    if seen:
        problems.append(f"it found rubric, reference or other submissions' files: {seen[:8]}")
    leaked = [c for c in run.canaries if c in printed]
    if leaked:
        problems.append(f"it saw canaries planted outside its sandbox: {leaked}")
    shown: set[str] = set()
    for line in printed.splitlines():
        if "environment: [" in line:
            shown.update(ast.literal_eval(line[line.index("[") :]))
    from_host = sorted((shown - SANDBOX_ENV_NAMES) & set(os.environ))
    if from_host:
        problems.append(f"the grader's own environment is readable inside the sandbox: {from_host[:8]}")
    assert not problems, "the snoop notebook saw too much:\n" + "\n".join(problems)


_GRADER_SETS = (  # inside the sandbox, by the grader itself (grader.sandbox.mounts, grader.execute.worker)
    "LANG LANGUAGE LC_ALL LC_CTYPE TZ TERM PATH PWD HOME TMPDIR MALLOC_ARENA_MAX GRADER_SANDBOX_LIMITS "
    "PYTHONHASHSEED TF_CPP_MIN_LOG_LEVEL TF_DETERMINISTIC_OPS TF_ENABLE_ONEDNN_OPTS CUDA_VISIBLE_DEVICES "
    "KERAS_BACKEND PYTHONWARNINGS MPLBACKEND KERAS_HOME MPLCONFIGDIR XDG_CACHE_HOME IPYTHONDIR "
    "JUPYTER_RUNTIME_DIR JPY_PARENT_PID"
)
_KERNEL_SETS = (
    "CLICOLOR CLICOLOR_FORCE FORCE_COLOR GIT_PAGER PAGER KMP_DUPLICATE_LIB_OK KMP_INIT_AT_FORK PYDEVD_USE_FRAME_EVAL"
)
SANDBOX_ENV_NAMES = frozenset(_GRADER_SETS.split()) | frozenset(_KERNEL_SETS.split())


def assert_next_submission_graded_normally(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The honest control, graded right after a hostile run by the same grader process."""
    control = run_example(CONTROL, root, monkeypatch)
    print(f"{CONTROL} right after: {control.result.status} in {control.seconds:.1f} s")
    assert control.result.status == "graded", control.result.reason
    failed = [(i.id, feedback_text(i)) for i in control.result.items if not i.passed]
    assert not failed and control.result.score == control.result.max_score, failed
    assert all(c.status == "ok" for c in control.result.cells)
    assert control.printed[-1].startswith("test accuracy:")
    assert_host_unchanged(control)
    assert_grader_unharmed(control)
    assert_nothing_outlives_the_run(control)
