"""The process that runs one notebook: ``python -m grader.execute.worker JOB.json``.

It is what the sandbox wraps: nbclient and the kernel live together inside it.  It writes
``outcome.json`` (atomically) and ``executed.ipynb`` into the job's out_dir and exits 0
whenever it could judge the notebook, whatever the notebook did.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

import nbformat

from ..models.execution import ExecutionJob, ExecutionOutcome
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


def write_json_atomic(path: str, data: object) -> None:
    """Write JSON via a temporary file and ``os.replace`` so readers never see half a file."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(tmp, path)


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


def main(argv: list[str] | None = None) -> int:
    """Run the job named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    with open(args[0], encoding="utf-8") as handle:
        job = ExecutionJob.from_json(json.load(handle))
    os.makedirs(job.out_dir, exist_ok=True)
    os.environ.update(KERNEL_ENV)
    os.environ.update(job.kernel_env)
    os.chdir(job.workdir)
    config_path = prepare(job)
    outcome: ExecutionOutcome = asyncio.run(run_notebook(job, config_path))
    write_json_atomic(os.path.join(job.out_dir, "outcome.json"), outcome.to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
