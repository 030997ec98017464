"""Start the worker process for one job (inside the sandbox when one is given) and read its outcome.

The worker holds nbclient and the kernel; if it dies or overruns its hard limit the whole
process group is killed and an outcome is made up here, so the caller always gets one.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence

from ..errors import GraderBug
from ..models.execution import CellRun, ExecutionJob, ExecutionOutcome, RunStatus
from .worker import write_json_atomic

HARD_LIMIT_MARGIN_S = 60.0
Wrapper = Callable[[list[str], ExecutionJob], list[str]]


def worker_command(job_path: str) -> list[str]:
    """The command that runs a job file, with this interpreter."""
    return [sys.executable, "-m", "grader.execute.worker", job_path]


def launch(job: ExecutionJob, wrap: Wrapper | None = None, env: dict[str, str] | None = None) -> ExecutionOutcome:
    """Run ``job`` in a child process (wrapped by ``wrap``, e.g. the sandbox) and return its outcome."""
    os.makedirs(job.out_dir, exist_ok=True)
    job_path = os.path.join(job.out_dir, "job.json")
    write_json_atomic(job_path, job.to_json())
    command: Sequence[str] = worker_command(job_path)
    if wrap is not None:
        command = wrap(list(command), job)
    log_path = os.path.join(job.out_dir, "worker.log")
    hard_limit = job.notebook_timeout + HARD_LIMIT_MARGIN_S
    with open(log_path, "wb") as log:
        try:
            process = subprocess.Popen(
                list(command),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env=env if env is not None else os.environ.copy(),
            )
        except OSError as exc:
            raise GraderBug(f"cannot start the notebook worker: {exc}") from None
        try:
            code = process.wait(timeout=hard_limit)
        except KeyboardInterrupt:
            # the worker (or the sandbox supervisor) runs in its own session: stop it too
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            raise
        except subprocess.TimeoutExpired:
            _kill_group(process)
            return _made_up(job, "timeout", f"the run passed its hard limit of {hard_limit:g} s and was killed")
    outcome_path = os.path.join(job.out_dir, "outcome.json")
    if os.path.exists(outcome_path):
        with open(outcome_path, encoding="utf-8") as handle:
            return ExecutionOutcome.from_json(json.load(handle))
    return _made_up(job, "error", _worker_failure(code, log_path))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _worker_failure(code: int, log_path: str) -> str:
    tail = ""
    try:
        with open(log_path, encoding="utf-8", errors="replace") as handle:
            lines = [ln.strip() for ln in handle.read()[-4000:].splitlines() if ln.strip()]
        tail = lines[-1][:200] if lines else ""
    except OSError:
        pass
    if code < 0:
        return f"the notebook worker was killed by signal {signal.Signals(-code).name}" + (f" ({tail})" if tail else "")
    return f"the notebook worker stopped with status {code}" + (f": {tail}" if tail else "")


def _made_up(job: ExecutionJob, status: RunStatus, reason: str) -> ExecutionOutcome:
    """An outcome for a worker that could not write its own: every cell not run."""
    cells: tuple[CellRun, ...] = ()
    with contextlib.suppress(Exception):  # an unreadable notebook just has no cells to list
        import nbformat

        from .runner import code_cells

        nb = nbformat.read(job.notebook, as_version=4)
        cells = tuple(CellRun(index=i, status="not_run") for i in code_cells(nb))
    executed = os.path.join(job.out_dir, "executed.ipynb")
    return ExecutionOutcome(
        status=status,
        reason=reason,
        cells=cells,
        duration_s=0.0,
        executed_notebook=executed if os.path.exists(executed) else None,
        evidence_dir=job.evidence_dir,
    )
