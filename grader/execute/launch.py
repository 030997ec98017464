"""Start the worker for one job (inside the sandbox when one is given) and collect its reports.

The worker shares its sandbox with the student's kernel, so the launcher trusts nothing it
finds on disk: it hands the worker a one-time key (``grader.channel``), reads the signed
reports (each finished cell with its outputs, then the outcome, then - from the sandbox
supervisor - which limit tripped), and writes ``outcome.json`` and ``executed.ipynb`` itself.
If the worker dies, the cells it reported still count and the rest are ``not_run``.

The launcher knows nothing of the sandbox: it is handed a ``Confinement`` (the sandbox
implements one without importing this package), asks it for the wrapped command, and lets it
``conclude`` the outcome when its supervisor sent a verdict.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

import nbformat

from .. import channel
from ..errors import GraderBug, GradingStopped
from ..fileio import write_json_atomic
from ..models.execution import HARD_LIMIT_MARGIN_S, CellRun, ExecutionJob, ExecutionOutcome, RunStatus
from .quota import FILE_KIND, Keeper
from .runner import code_cells
from .stop import registered, stopping

READER_GRACE_S = 30.0
GRADER_FAULT = "the grader failed to run the notebook"
"""How the reason of an ``error`` outcome starts: the grader's fault, for the instructor to act on."""
LOG_NAME = "launch.log"


@runtime_checkable
class Confinement(Protocol):
    """What confines the worker (the sandbox): wraps its command, then has the last word on the outcome."""

    def command(self, argv: list[str], job: ExecutionJob) -> list[str]:
        """The command that runs ``argv`` confined (its supervisor may send one verdict on the channel)."""
        ...

    def conclude(self, outcome: ExecutionOutcome, verdict: dict[str, Any]) -> ExecutionOutcome:
        """The outcome with the supervisor's verdict (``channel.VERDICT_KIND``) applied."""
        ...


CommandWrapper = Callable[[list[str], ExecutionJob], list[str]]
"""A bare command wrapper (tests): it can wrap but not conclude."""
Wrapper = Confinement | CommandWrapper


@dataclass(frozen=True)
class _Bare:
    """A bare wrapper as a ``Confinement``: with no one to apply them, verdicts are ignored."""

    wrap: CommandWrapper

    def command(self, argv: list[str], job: ExecutionJob) -> list[str]:
        return self.wrap(argv, job)

    def conclude(self, outcome: ExecutionOutcome, verdict: dict[str, Any]) -> ExecutionOutcome:
        return outcome


def confinement(wrap: Wrapper) -> Confinement:
    """``wrap`` as a ``Confinement`` (a bare callable is adapted)."""
    return wrap if isinstance(wrap, Confinement) else _Bare(wrap)


def worker_command(job_path: str, python: str | None = None) -> list[str]:
    """The command that runs a job file, with ``python`` (a grading environment's) or this interpreter.

    The kernel runs with the worker's interpreter: jupyter_client starts a ``python`` kernelspec
    with ``sys.executable``."""
    return [python or sys.executable, "-m", "grader.execute.worker", job_path]


@dataclass
class Reports:
    """What arrived on the channel."""

    cells: dict[int, dict[str, Any]] = field(default_factory=dict)
    outcome: dict[str, Any] | None = None
    verdict: dict[str, Any] | None = None
    started: bool = False
    """The worker said the notebook's first cell was about to run."""
    fault: str | None = None
    """The worker or the supervisor failed: what went wrong, in one line."""
    fault_after_start: bool = False
    """The failure came after ``started``: the notebook's code ran, and may have caused it (a
    worker out of memory in a cgroup the notebook filled), so it is not called the grader's."""
    keeper: Keeper | None = None
    """Writes the files a worker on the disk quota sends back (see ``grader.execute.quota``)."""

    def read(self, stream: Any, key: bytes) -> None:
        """Collect every authentic message until the stream closes."""
        for kind, data in channel.messages(stream, key):
            with contextlib.suppress(KeyError, TypeError, ValueError):
                if kind == "cell":
                    self.cells[int(data["run"]["index"])] = data
                elif kind == "outcome":
                    self.outcome = dict(data)
                elif kind == channel.VERDICT_KIND:
                    self.verdict = dict(data)
                elif kind == channel.STARTED_KIND:
                    self.started = True
                elif kind == channel.FAULT_KIND and self.fault is None:
                    self.fault = " ".join(str(data["error"]).split())[:300]
                    self.fault_after_start = self.started
                elif kind == FILE_KIND and self.keeper is not None:
                    self.keeper.add(data)


def launch(job: ExecutionJob, wrap: Wrapper | None = None, env: dict[str, str] | None = None) -> ExecutionOutcome:
    """Run ``job`` in a child process (confined by ``wrap``, e.g. the sandbox) and return its outcome."""
    confined = confinement(wrap) if wrap is not None else None
    relative = job.relative_paths()
    if relative:  # inside the sandbox the worker's folder is another one: it would find nothing
        raise GraderBug(f"the run's paths must be absolute, not {', '.join(relative)}")
    os.makedirs(job.out_dir, exist_ok=True)
    source = nbformat.read(job.notebook, as_version=4)  # before the student's code can touch it
    job_path = os.path.join(job.out_dir, "job.json")
    write_json_atomic(job_path, job.to_json())
    command: Sequence[str] = worker_command(job_path, job.python)
    if confined is not None:
        command = confined.command(list(command), job)
    key = secrets.token_bytes(channel.KEY_BYTES)
    key_read, key_write = os.pipe()
    os.write(key_write, key)
    os.close(key_write)
    child_env = dict(env if env is not None else os.environ)
    child_env[channel.KEY_FD_ENV] = str(key_read)
    child_env[channel.LAUNCHER_PID_ENV] = str(os.getpid())  # the run stops if this process dies
    if confined is not None:
        child_env[channel.SUPERVISOR_KEY_ENV] = key.hex()
    hard_limit = job.notebook_timeout + HARD_LIMIT_MARGIN_S
    reports = Reports(keeper=Keeper(job))
    with open(os.path.join(job.out_dir, LOG_NAME), "wb") as log:
        if stopping():
            os.close(key_read)
            raise GradingStopped("grading was stopped before this notebook started")
        try:
            process = subprocess.Popen(
                list(command),
                stdout=subprocess.PIPE,
                stderr=log,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env=child_env,
                pass_fds=(key_read,),
            )
        except OSError as exc:
            raise GraderBug(f"cannot start the notebook worker: {exc}") from None
        finally:
            os.close(key_read)
        reader = threading.Thread(target=reports.read, args=(process.stdout, key), daemon=True)
        reader.start()
        code: int | None
        with registered(process):  # a stop (Ctrl-C) kills it and everything below it
            try:
                code = process.wait(timeout=hard_limit)
            except KeyboardInterrupt:
                # the worker (or the sandbox supervisor) runs in its own session: stop it too
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                raise
            except subprocess.TimeoutExpired:
                _kill_group(process)
                code = None
        reader.join(READER_GRACE_S)
        if stopping():  # killed by the stop, or ended as it came: not a verdict on the notebook
            raise GradingStopped("grading was stopped while this notebook ran")
    outcome = settle(job, source, reports, code, hard_limit, confined)
    write_json_atomic(os.path.join(job.out_dir, "outcome.json"), outcome.to_json())
    return outcome


def settle(
    job: ExecutionJob,
    source: nbformat.NotebookNode,
    reports: Reports,
    code: int | None,
    hard_limit: float,
    confined: Confinement | None = None,
) -> ExecutionOutcome:
    """The outcome from what was reported; the executed notebook rebuilt from the reported cells;
    a verdict (only a confined run's supervisor sends one) concluded by the confinement."""
    executed = os.path.join(job.out_dir, "executed.ipynb")
    for index, report in reports.cells.items():
        if 0 <= index < len(source.cells) and source.cells[index].cell_type == "code":
            source.cells[index]["outputs"] = [nbformat.from_dict(o) for o in report.get("outputs") or []]
            source.cells[index]["execution_count"] = report.get("execution_count")
    nbformat.write(source, executed)
    if reports.fault is not None and not reports.fault_after_start:
        outcome = _from_progress(job, source, reports, "error", f"{GRADER_FAULT}: {reports.fault}", executed)
    elif reports.outcome is not None:
        outcome = ExecutionOutcome.from_json(reports.outcome)
        outcome = _at(outcome, executed, job.evidence_dir)
    elif not reports.started:
        # nothing of the notebook's ran yet: the grader (its sandbox, its worker) failed to start it
        why = _last_log_line(job) or (
            "it passed its hard limit before the first cell" if code is None else f"it exited with status {code}"
        )
        outcome = _from_progress(
            job, source, reports, "error", f"{GRADER_FAULT} before the first cell: {why}", executed
        )
    elif code is None:
        outcome = _from_progress(
            job,
            source,
            reports,
            "timeout",
            f"the run passed its hard limit of {hard_limit:g} s and was killed",
            executed,
        )
    else:
        reason = _worker_failure(code) + (f"; the runner said: {reports.fault}" if reports.fault else "")
        outcome = _from_progress(job, source, reports, "kernel_died", reason, executed)
    if reports.verdict is not None and confined is not None:
        outcome = confined.conclude(outcome, reports.verdict)
    return outcome


def _at(outcome: ExecutionOutcome, executed: str, evidence_dir: str) -> ExecutionOutcome:
    return replace(outcome, executed_notebook=executed, evidence_dir=evidence_dir)


def _from_progress(
    job: ExecutionJob, source: nbformat.NotebookNode, reports: Reports, status: RunStatus, reason: str, executed: str
) -> ExecutionOutcome:
    """An outcome for a worker that never reported one: reported cells as they were, the rest not run."""
    cells = []
    stopped = False
    for index in code_cells(source):
        report = reports.cells.get(index)
        if report is not None:
            run = report["run"]
            cells.append(CellRun(index=index, status=run["status"], error=run.get("error"), seconds=run.get("seconds")))
        else:
            cells.append(CellRun(index=index, status="not_run", error=None if stopped else reason))
            stopped = True
    duration = sum(c.seconds or 0.0 for c in cells)
    return ExecutionOutcome(
        status=status,
        reason=reason,
        cells=tuple(cells),
        duration_s=round(duration, 3),
        executed_notebook=executed,
        evidence_dir=job.evidence_dir,
    )


def _last_log_line(job: ExecutionJob, tail: int = 4096) -> str | None:
    """The last line the sandbox or the worker wrote to stderr before any cell ran (bwrap's error,
    the worker's fault); None when they said nothing."""
    try:
        with open(os.path.join(job.out_dir, LOG_NAME), "rb") as handle:
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - tail))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return None
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else None


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _worker_failure(code: int) -> str:
    # bubblewrap reports a child killed by signal N as exit status 128 + N
    signalled = -code if code < 0 else (code - 128 if code > 128 else 0)
    if signalled:
        return "the grader's notebook runner was killed before it finished (did the notebook kill its parent process?)"
    return "the grader's notebook runner stopped early (did the notebook exit or disturb its parent process?)"
