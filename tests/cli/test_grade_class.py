"""A whole class through ``grader grade``, as an instructor runs it (a subprocess): 30 mixed
submissions graded to completion into the gradebook; killed half-way (SIGKILL) and run again,
finishing with the same results and grading none twice; stopped with Ctrl-C (SIGINT), exit 130
with what was graded kept and no notebook left running.

The class is made from the fastest examples (``tests/class_folder.py``); the three runs share
nothing (``--no-cache``) so that each counts its own executions."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from class_folder import MixedClass, make_mixed_class
from conftest import sandbox_ok

pytestmark = pytest.mark.notebook


def _command(folder: Path, out: Path, *extra: str) -> list[str]:
    sandbox = [] if sandbox_ok() else ["--no-sandbox"]
    return [sys.executable, "-m", "grader", "grade", str(folder), "--out", str(out), "--no-cache", *sandbox, *extra]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def _book(out: Path) -> sqlite3.Connection:
    return sqlite3.connect(out / "gradebook.sqlite", timeout=30)


def _runs(out: Path) -> int:
    try:
        with _book(out) as book:
            return int(book.execute("select count(*) from runs").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def _reports(out: Path) -> dict[str, tuple]:
    """Per report: status, score and each item's points and verdict."""
    found = {}
    for path in sorted(out.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[path.stem] = (
            data["status"],
            data["score"],
            tuple((i["id"], i["points"], i["passed"]) for i in data["items"]),
        )
    return found


def _start(folder: Path, out: Path) -> subprocess.Popen[str]:
    """``grade`` of ``folder`` with 2 workers, started in the background."""
    return subprocess.Popen(
        _command(folder, out, "--workers", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def _wait_for_runs(process: subprocess.Popen[str], out: Path, at_least: int) -> None:
    deadline = time.monotonic() + 300
    while _runs(out) < at_least:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the grader recorded too few results"
        time.sleep(0.05)


@pytest.fixture(scope="session")
def mixed_class(tmp_path_factory: pytest.TempPathFactory) -> MixedClass:
    return make_mixed_class(tmp_path_factory.mktemp("mixed"))


@pytest.fixture(scope="session")
def graded_class(
    mixed_class: MixedClass, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("graded") / "out"
    done = subprocess.run(
        _command(mixed_class.folder, out, "--workers", "2"), capture_output=True, text=True, env=_env(), timeout=600
    )
    return out, done


def test_a_mixed_class_is_graded_to_completion_into_the_gradebook(
    mixed_class: MixedClass, graded_class: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    out, done = graded_class
    assert done.returncode == 1, done.stderr  # the file that is not a notebook, the hostile kernel
    reports = _reports(out)
    assert len(reports) == mixed_class.total
    with _book(out) as book:
        rows = book.execute(
            "select s.stem, s.superseded, r.status, r.score, count(i.id) from submissions s "
            "join runs r on r.submission_id = s.id left join item_results i on i.run_id = r.id group by r.id"
        ).fetchall()
        students = book.execute("select count(*) from students").fetchone()[0]
    assert len(rows) == mixed_class.total  # every result, once
    by_stem = {stem: (bool(superseded), status, score, items) for stem, superseded, status, score, items in rows}
    assert {stem: (status, score) for stem, (_, status, score, _) in by_stem.items()} == {
        stem: report[:2] for stem, report in reports.items()
    }
    assert all(items > 0 for *_, items in by_stem.values())
    assert by_stem[mixed_class.not_a_notebook][1] == "invalid"
    assert by_stem[mixed_class.hostile][1] == "kernel_died"
    assert [stem for stem, row in by_stem.items() if row[0]] == [mixed_class.duplicate_old]
    assert students == mixed_class.total - 1  # one student handed in twice
    statuses = [row[1] for row in by_stem.values()]
    assert statuses.count("graded") == mixed_class.total - 2
    # the class outputs count the latest submission of each student only
    rows_jsonl = (out / "results.jsonl").read_text().splitlines()
    assert len(rows_jsonl) == mixed_class.total - 1
    assert mixed_class.duplicate_new in (out / "index.html").read_text()
    summary = done.stdout
    assert f"class page: {out / 'index.html'}" in summary
    assert "27 graded" in summary and "1 invalid" in summary and "1 kernel_died" in summary
    assert "perceptron: mean" in summary and "activations: mean" in summary and "superseded: 1" in summary
    # not a terminal: one plain line per notebook (another process's stderr may share a line with one)
    lines = re.findall(rf"\[\d+/{mixed_class.total}\] ", done.stderr)
    assert len(lines) == mixed_class.total


def test_killed_half_way_the_rerun_finishes_alike_and_grades_none_twice(
    mixed_class: MixedClass, graded_class: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    process = _start(mixed_class.folder, out)
    _wait_for_runs(process, out, 10)
    process.kill()  # SIGKILL: nothing of the grader runs after this
    process.communicate()
    kept = _runs(out)
    assert 10 <= kept < mixed_class.total
    again = subprocess.run(
        _command(mixed_class.folder, out, "--workers", "2"), capture_output=True, text=True, env=_env()
    )
    assert again.returncode == 1, again.stderr
    assert f"{kept} of {mixed_class.total} unchanged since graded" in again.stderr
    assert _reports(out) == _reports(graded_class[0])
    assert (out / "results.jsonl").read_text().count("\n") == mixed_class.total - 1
    with _book(out) as book:
        per_submission = book.execute("select count(*) from runs group by submission_id").fetchall()
        reused = book.execute("select count(*) from history where event = 'reused'").fetchone()[0]
    assert per_submission == [(1,)] * mixed_class.total  # none graded twice
    assert reused == kept
    # a kept run folder per execution: the finished ones were not executed again (the rerun made
    # one for each notebook it ran, the killed run one for each it ran or had started)
    executed = [p for p in (out / ".work").iterdir() if p.name.startswith("run-")]
    assert len(executed) <= mixed_class.total - 1 + 2  # (the not-a-notebook never runs; 2 in flight at the kill)


def _left_running(out: Path) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if str(out) in cmdline:
                found.append(cmdline)
    return found


def test_ctrl_c_stops_cleanly_keeps_what_was_graded_and_exits_130(mixed_class: MixedClass, tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = _start(mixed_class.folder, out)
    _wait_for_runs(process, out, 3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("grader: stopped: ") and "kept" in last, stderr
    kept = _runs(out)
    assert 3 <= kept < mixed_class.total
    with _book(out) as book:
        statuses = [s for (s,) in book.execute("select status from runs")]
        interrupted = book.execute("select count(*) from history where event = 'interrupted'").fetchone()[0]
    assert "error" not in statuses  # a notebook killed by the stop is not recorded as anything
    assert interrupted == 1
    assert len(_reports(out)) == kept
    assert 0 < len((out / "results.jsonl").read_text().splitlines()) <= kept
    deadline = time.monotonic() + 15
    while _left_running(out) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _left_running(out) == []
