"""``grade --executor``: a bad value or a scheduler nobody runs is one line and exit 2, before any work."""

from __future__ import annotations

import socket

import nbformat
import pytest

from grader.cli import main
from grader.commands import grade as grade_command
from grader.pipeline import dask_executor


@pytest.fixture
def notebook(tmp_path):
    nb = tmp_path / "a.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), str(nb))
    return nb


def _grade(notebook, out, executor):
    return main(
        [
            "grade",
            str(notebook),
            "--rubric",
            "iris_keras",
            "--out",
            str(out),
            "--executor",
            executor,
            "--no-sandbox",
            "--no-cache",
        ]
    )


@pytest.mark.parametrize(
    "value", ["dask", "dask://", "dask://host", "dask://host:port", "dask://h:0", "spark://h:1", "threads"]
)
def test_a_bad_executor_is_one_line_and_exit_2_before_grading(value, notebook, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(grade_command, "grade_jobs", lambda *a, **k: pytest.fail("graded with a bad executor"))
    assert _grade(notebook, tmp_path / "o", value) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"--executor {value}" in err[0] and "dask://HOST:PORT" in err[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line_and_exit_2(notebook, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT_S", 1)
    port = _free_port()  # nothing listens there
    assert _grade(notebook, tmp_path / "o", f"dask://127.0.0.1:{port}") == 2
    err = [line for line in capsys.readouterr().err.strip().splitlines() if "WITHOUT a sandbox" not in line]
    assert len(err) == 1, err
    assert f"dask://127.0.0.1:{port}: no Dask scheduler answers there" in err[0] and "dask scheduler" in err[0]
    assert not list((tmp_path / "o").glob("*.json"))


def test_the_executor_reaches_grade_jobs(notebook, tmp_path, monkeypatch):
    seen = []

    def fake_grade_jobs(jobs, workers=1, on_graded=None, executor="local"):
        seen.append(executor)
        raise KeyboardInterrupt

    monkeypatch.setattr(grade_command, "grade_jobs", fake_grade_jobs)
    _grade(notebook, tmp_path / "o", "dask-local")
    assert seen == ["dask-local"]
