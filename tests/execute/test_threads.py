"""Each kernel's share of the cores: the computation, and the environment reaching the kernel."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from conftest import sandbox_ok

from grader.execute.threads import TF_INTEROP, THREAD_VARIABLES, thread_env, thread_share, usable_cores


@pytest.mark.parametrize(
    ("cores", "workers", "share"),
    [(2, 1, 2), (2, 2, 1), (16, 4, 4), (16, 3, 5), (4, 8, 1), (1, 1, 1), (0, 1, 1), (8, 0, 8)],
)
def test_each_kernel_gets_an_equal_share_and_at_least_one(cores: int, workers: int, share: int) -> None:
    assert thread_share(cores, workers) == share


def test_the_share_never_oversubscribes_the_cores() -> None:
    for cores in range(1, 65):
        for workers in range(1, cores + 1):
            assert thread_share(cores, workers) * workers <= cores


def test_every_library_pool_is_held_to_the_share() -> None:
    env = thread_env(3)
    assert all(env[name] == "3" for name in THREAD_VARIABLES)
    assert {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"} <= set(env)
    assert env[TF_INTEROP] == "2" and thread_env(1)[TF_INTEROP] == "1"


def test_the_cores_are_those_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5})
    assert usable_cores() == 3


def test_grade_defaults_to_one_worker_per_usable_core(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from grader.cli import build_parser
    from grader.commands import grade

    assert build_parser().parse_args(["grade", "x", "--out", "o"]).workers is None
    seen: dict[str, object] = {}

    class Seen(Exception):
        pass

    def stop_at_settings(jobs, workers, on_graded, executor="local"):
        seen["workers"] = workers
        seen["threads"] = {job.settings.threads for job in jobs}
        raise Seen

    monkeypatch.setattr(grade, "usable_cores", lambda: 6)
    monkeypatch.setattr(grade, "grade_jobs", stop_at_settings)
    folder = tmp_path / "subs"
    folder.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), str(folder / "a.ipynb"))
    with pytest.raises(Seen):
        grade.main(submissions=str(folder), out=str(tmp_path / "o"), rubric="perceptron", no_sandbox=True)
    assert seen == {"workers": 6, "threads": {1}}
    with pytest.raises(Seen):
        grade.main(submissions=str(folder), out=str(tmp_path / "o2"), rubric="perceptron", no_sandbox=True, workers=2)
    assert seen == {"workers": 2, "threads": {3}}


SHOW_ENV = f"""
import json, os
names = {[*THREAD_VARIABLES, TF_INTEROP]!r}
print("THREADS=" + json.dumps({{name: os.environ.get(name) for name in names}}))
"""


@pytest.mark.notebook
def test_the_share_reaches_the_kernel(tmp_path: Path) -> None:
    from grader.models.submission import Submission
    from grader.pipeline import GradeSettings, rubric_from, run_submission

    notebook = tmp_path / "env.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SHOW_ENV)]), str(notebook))
    settings = GradeSettings(rubric_from("perceptron"), sandboxed=sandbox_ok(), work_root=tmp_path / "runs", threads=3)
    outcome, _ = run_submission(Submission(path=notebook, display="env.ipynb"), settings)
    assert outcome.status == "completed", outcome.reason
    executed = nbformat.read(str(outcome.executed_notebook), as_version=4)
    printed = "".join(o.get("text", "") for o in executed.cells[0].outputs)
    assert "THREADS=" in printed, printed
    assert json.loads(printed.split("THREADS=", 1)[1].strip().splitlines()[0]) == thread_env(3)
