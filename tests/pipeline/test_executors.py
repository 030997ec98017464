"""Choosing where jobs run, and how often a submission whose worker died is tried (no cluster)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from grader.errors import ConfigError
from grader.pipeline.executors import MAX_ATTEMPTS, Attempts, ExecutorChoice, parse_executor


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("local", ExecutorChoice("local")),
        ("dask-local", ExecutorChoice("dask-local")),
        ("dask://10.0.0.5:8786", ExecutorChoice("dask", "tcp://10.0.0.5:8786")),
        ("dask://scheduler.example.org:1", ExecutorChoice("dask", "tcp://scheduler.example.org:1")),
        ("dask://[::1]:8786", ExecutorChoice("dask", "tcp://[::1]:8786")),
        (" dask-local ", ExecutorChoice("dask-local")),
    ],
)
def test_executor_values(value, expected):
    assert parse_executor(value) == expected
    assert parse_executor(value).on_dask == (expected.kind != "local")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Local",
        "dask",
        "dask:/h:1",
        "dask://",
        "dask://h",
        "dask://:8786",
        "dask://h:x",
        "dask://h:0",
        "dask://h:65536",
        "dask://a/b:1",
        "tcp://h:1",
    ],
)
def test_bad_executor_values_are_a_config_error_naming_the_choices(value):
    with pytest.raises(ConfigError) as raised:
        parse_executor(value)
    assert f"--executor {value}:" in str(raised.value) and "dask-local" in str(raised.value)


def test_a_lost_run_is_tried_once_more_then_given_up():
    first = Attempts().after_loss(1, "tcp://a:1")
    assert first.retry and first.lost == 1
    second = first.after_loss(1, "tcp://b:2")
    assert not second.retry and second.lost == MAX_ATTEMPTS == 2
    reason = second.reason()
    assert "died 2 times" in reason and "tcp://a:1, tcp://b:2" in reason and "grade it again" in reason


def test_the_schedulers_own_reruns_count_as_tries():
    # a scheduler left at allowed-failures=3 has already run it 4 times: no fifth
    tried = Attempts().after_loss(4, "tcp://a:1")
    assert not tried.retry and "died 4 times" in tried.reason() and tried.reason().count("tcp://a:1") == 1


def test_local_grading_never_imports_dask():
    code = (
        "import sys\n"
        "import grader.cli, grader.commands.grade, grader.pipeline\n"
        "from grader.pipeline import grade_jobs\n"
        "assert grade_jobs([], 2, executor='local') == []\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed'))\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
