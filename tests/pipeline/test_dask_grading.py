"""A class graded on a Dask ``LocalCluster`` gives the results the local executor gives, also when
a worker process is killed while it runs a notebook (its submission is run again elsewhere).

Six of the fastest example notebooks (two rubrics), run three times: locally with 2 threads,
with ``grade --executor dask-local --workers 2``, and on a cluster one of whose workers is killed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, sandbox_ok

from grader.cli import main
from grader.export.results_file import result_to_json
from grader.pipeline import GradeSettings, open_jobs
from grader.pipeline.dask_executor import check_workers, dask_client, stream, submitter
from grader.pipeline.executors import ExecutorChoice

pytestmark = [pytest.mark.notebook, pytest.mark.timeout(300)]

CLASS = {
    "perceptron": ("benar_bahasa_indonesia", "tanpa_bias", "xor_tidak_dilatih", "klaim_xor_berhasil"),
    "activations": ("benar_grafik_terpisah", "nameerror_di_tengah"),
}
SANDBOX = [] if sandbox_ok() else ["--no-sandbox"]


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dask-class") / "class"
    for rubric, names in CLASS.items():
        (folder / rubric).mkdir(parents=True)
        for name in names:
            shutil.copy(EXAMPLES / rubric / f"{name}.ipynb", folder / rubric / f"{name}.ipynb")
    return folder


def comparable(row: dict) -> dict:
    """A result as JSON, without the seconds it took."""
    row = json.loads(json.dumps(row))
    row.pop("duration_s", None)
    row.pop("timings", None)
    for cell in row.get("cells", []):
        cell.pop("duration_s", None)
    return row


def graded_rows(out: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    return {row["submission"]: comparable(row) for row in rows}


def _grade(folder: Path, out: Path, *extra: str) -> int:
    return main(["grade", str(folder), "--out", str(out), "--no-cache", "--workers", "2", *SANDBOX, *extra])


@pytest.fixture(scope="module")
def local_rows(class_folder, tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("local")
    assert _grade(class_folder, out) in (0, 1)
    rows = graded_rows(out)
    assert len(rows) == 6 and all(r["status"] == "graded" for r in rows.values())
    return rows


def test_dask_local_grades_the_class_as_the_local_executor_does(class_folder, local_rows, tmp_path, capsys):
    out = tmp_path / "dask"
    assert _grade(class_folder, out, "--executor", "dask-local") in (0, 1)
    assert graded_rows(out) == local_rows
    assert len(list(out.glob("*.html"))) == 6 + 1  # each report and the class page
    progress = [line for line in capsys.readouterr().err.splitlines() if line.startswith("[")]
    assert len(progress) == 6  # one line as each result arrived, nothing of Dask's chatter


def _kill_a_busy_worker(client) -> str:
    """SIGKILL a worker process that is running a notebook now; its address."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        busy = client.run(lambda dask_worker: len(dask_worker.state.executing))
        running = [address for address, count in busy.items() if count]
        if running:
            address = running[0]
            os.kill(client.run(os.getpid, workers=[address])[address], signal.SIGKILL)
            return address
        time.sleep(0.2)
    raise AssertionError("no worker was running a notebook")


def test_a_worker_killed_mid_run_costs_one_retry_and_no_result(class_folder, local_rows, tmp_path):
    def settings_for(rubric):
        return GradeSettings(rubric, None, bool(not SANDBOX), None, work_root=tmp_path / ".work")

    killed: list[str] = []
    sent: list[tuple[int, tuple[str, ...]]] = []
    arrived: list[int] = []

    with open_jobs(class_folder, None, settings_for) as jobs, dask_client(ExecutorChoice("dask-local"), 2) as client:
        check_workers(client, jobs)
        send = submitter(client)

        def submit(index, job, avoid):
            sent.append((index, avoid))
            return send(index, job, avoid)

        def on_graded(index, job, graded):
            assert threading.current_thread() is threading.main_thread()  # here, in the grader
            arrived.append(index)
            if not killed:  # the first result is in: the others are running
                killed.append(_kill_a_busy_worker(client))

        results = stream(jobs, submit, on_graded, lambda: sum(client.nthreads().values()))

    assert sorted(arrived) == list(range(6))
    again = [(index, avoid) for index, avoid in sent if avoid]
    assert len(again) == 1 and again[0][1] == (killed[0],)  # its notebook, once more, elsewhere
    assert sorted(index for index, _ in sent) == sorted([*range(6), again[0][0]])
    rows = {g.result.submission: comparable(result_to_json(g.result, "en")) for g in results}
    assert rows == local_rows
