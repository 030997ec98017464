"""The process that runs one notebook: ``python -m grader.execute.worker JOB.json``.

It is what the sandbox wraps: nbclient and the kernel live together inside it.  Its reports
(each finished cell, the executed notebook, the outcome) go home as signed lines on its
private copy of stdout (see ``grader.channel``); everything else it or the kernel prints goes to a
capped log in the evidence folder.  It exits 0 whenever it could judge the notebook.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
from dataclasses import asdict

import nbformat

from .. import channel
from ..fileio import write_json_atomic
from ..models.execution import CellRun, ExecutionJob
from . import quota
from .runner import code_cells, run_notebook

KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_DETERMINISTIC_OPS": "1",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "CUDA_VISIBLE_DEVICES": "-1",
    "KERAS_BACKEND": "tensorflow",
    "PYTHONWARNINGS": "ignore",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}
LOG_NAME = "worker.log"
MAX_LOG_BYTES = 1_000_000


def prepare(job: ExecutionJob) -> str:
    """Write the probe's configuration; return its path."""
    nb = nbformat.read(job.notebook, as_version=4)
    os.makedirs(job.evidence_dir, exist_ok=True)
    config = {
        "evidence_dir": job.evidence_dir,
        "token": job.token,
        "cells": code_cells(nb),
        "seed": job.seed,
        "datasets": job.datasets,
    }
    path = os.path.join(job.evidence_dir, "probe.json")
    write_json_atomic(path, config)
    return path


def divert_output(log_path: str, limit: int = MAX_LOG_BYTES) -> None:
    """Point fds 1 and 2 (inherited by the kernel) at a log that keeps ``limit`` bytes.

    Output written below Python (``os.system``, subprocesses) reaches the kernel's fd 1; a
    thread copies it into the log and throws the rest away, so 100 MB of it never hits the disk.
    """
    read_end, write_end = os.pipe()
    os.dup2(write_end, 1)
    os.dup2(write_end, 2)
    os.close(write_end)

    def copy() -> None:
        kept = 0
        with open(log_path, "ab") as log:
            while chunk := os.read(read_end, 65536):
                if kept < limit:
                    part = chunk[: limit - kept]
                    log.write(part)
                    log.flush()
                    kept += len(part)

    threading.Thread(target=copy, name="grader-log", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    """Run the job named on the command line and report over the signed channel.

    The key is read first, so that every failure here (a job file it cannot read, a kernel that
    cannot start, an exception in the runner) goes home signed as a ``fault``.  ``started`` is
    sent just before the notebook's first cell: a fault before it is the grader's own (status
    ``error``); after it the notebook's code ran and may have caused it (see ``launch.settle``).
    """
    args = sys.argv[1:] if argv is None else argv
    key_fd = os.environ.pop(channel.KEY_FD_ENV, None)
    os.environ.pop(channel.SUPERVISOR_KEY_ENV, None)
    if key_fd is None:
        print("grader worker: started without a report channel", file=sys.stderr)
        return 2
    key = channel.read_key(int(key_fd))
    channel.make_undumpable()
    channel.die_with_launcher()  # unsandboxed, its launcher is its parent (the supervisor's, else)
    sender = channel.Sender(os.dup(1), key)  # the private copy: not inherited by the kernel
    try:
        return _run(args[0], sender)
    except Exception as exc:  # the grader's own failure: said as one, signed (a signal is not one)
        sender.send(channel.FAULT_KIND, {"error": fault_text(exc)})
        print(f"grader worker: {fault_text(exc)}", file=sys.stderr)
        return 3


def fault_text(exc: BaseException) -> str:
    """One line naming a failure of the grader's own (for the instructor)."""
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _run(job_path: str, sender: channel.Sender) -> int:
    with open(job_path, encoding="utf-8") as handle:
        job = ExecutionJob.from_json(json.load(handle))
    watch = disk_quota_start()
    os.makedirs(job.evidence_dir, exist_ok=True)
    divert_output(os.path.join(job.evidence_dir, LOG_NAME))
    os.environ.update(KERNEL_ENV)
    os.environ.update(job.kernel_env)
    os.chdir(job.workdir)
    config_path = prepare(job)

    kept = quota.KeptSender(sender.send, job) if watch is not None else None

    def report_cell(run: CellRun, cell: nbformat.NotebookNode) -> None:
        if watch is not None:
            watch.after_cell(run)
        sender.send(
            "cell",
            {"run": asdict(run), "outputs": cell.get("outputs", []), "execution_count": cell.get("execution_count")},
        )
        if kept is not None:
            kept.update()  # the evidence so far: kept even if the runner is killed later

    def report_start() -> None:
        sender.send(channel.STARTED_KIND, {})

    outcome, _ = asyncio.run(run_notebook(job, config_path, on_cell=report_cell, on_start=report_start))
    if watch is not None:
        outcome = watch.conclude(outcome)
    sender.send("outcome", outcome.to_json())
    if kept is not None:
        kept.finish()
    return 0


# -- the disk quota (see grader.execute.quota): inputs in before the kernel, kept files out after --


def disk_quota_start() -> quota.DiskWatch | None:
    """On a quota tmpfs: copy the inputs in and watch the disk; None when the workspace is the host's."""
    layout = quota.workspace_layout()
    if layout is None:
        return None
    quota.copy_inputs(layout)
    return quota.DiskWatch(layout)


if __name__ == "__main__":
    sys.exit(main())
