"""Run one notebook in a real kernel, probe first, every cell even after errors.

Timeouts are enforced here with timers rather than nbclient's own (which, when an interrupt
is ignored, waits forever): at a cell's limit the kernel is interrupted; if it has not
answered after a grace period it is killed and the remaining cells are marked ``not_run``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import nbformat
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode

from ..models.execution import CellRun, CellStatus, ExecutionJob, ExecutionOutcome, RunStatus
from .client import CappedClient

INTERRUPT_GRACE_S = 5.0
HIDDEN_TIMEOUT_S = 300.0


@dataclass
class _Watch:
    """State shared between the cell loop and its timers."""

    timed_out: bool = False
    killed: bool = False
    reason: str | None = None
    handles: list[asyncio.TimerHandle] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def cancel(self) -> None:
        for handle in self.handles:
            handle.cancel()
        self.handles.clear()


def code_cells(nb: NotebookNode) -> list[int]:
    """Indices of the cells nbclient will actually send to the kernel."""
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]


def probe_install_code(job: ExecutionJob, config_path: str) -> str:
    """The hidden first cell: load the probe."""
    return (
        f"# {job.token}\nimport grader.probe as _grader_probe\n"
        f"_grader_probe.install({config_path!r})\ndel _grader_probe\n"
    )


def probe_finish_code(job: ExecutionJob) -> str:
    """The hidden last cell: export models and close the evidence log."""
    return f"# {job.token}\nimport grader.probe as _grader_probe\n_grader_probe.finish()\n"


async def run_notebook(
    job: ExecutionJob,
    config_path: str,
    on_cell: Callable[[CellRun, NotebookNode], None] | None = None,
    on_start: Callable[[], None] | None = None,
) -> tuple[ExecutionOutcome, NotebookNode]:
    """Execute ``job.notebook``; returns the outcome and the executed notebook (never raises for
    student faults).  ``on_cell`` hears about each cell as soon as it is done; ``on_start``, once
    the kernel and the probe are up, just before the notebook's first cell."""
    start = time.monotonic()
    nb = nbformat.read(job.notebook, as_version=4)
    client = CappedClient(
        nb,
        timeout=None,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": job.workdir}},
        iopub_timeout=10,
        max_output_bytes=job.max_output_bytes,
    )
    runs: dict[int, CellRun] = {}
    status: RunStatus = "completed"
    reason: str | None = None
    deadline = start + job.notebook_timeout
    alive = True
    phases: dict[str, float] = {}
    async with client.async_setup_kernel():
        await _hidden(client, probe_install_code(job, config_path))
        phases["kernel"] = round(time.monotonic() - start, 3)
        if on_start is not None:
            on_start()
        cells_started = time.monotonic()
        for number, index in enumerate(code_cells(nb), start=1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                status, reason = "timeout", f"the whole notebook ran past its {job.notebook_timeout:g} s limit"
                break
            limit = min(job.cell_timeout, remaining)
            run, watch = await _run_cell(
                client,
                nb.cells[index],
                index,
                number,
                limit,
                whole_notebook=limit < job.cell_timeout,
                notebook_limit=job.notebook_timeout,
            )
            runs[index] = run
            if on_cell is not None:
                on_cell(run, nb.cells[index])
            if watch.timed_out:
                status, reason = "timeout", watch.reason
            if run.status == "not_run" or watch.killed:
                alive = False
                if not watch.timed_out:
                    status, reason = "kernel_died", _death_reason(client)
                break
        phases["cells"] = round(time.monotonic() - cells_started, 3)
        if alive:
            # a notebook that broke its kernel's last breath still gets graded on what was recorded
            finish_started = time.monotonic()
            with contextlib.suppress(TimeoutError, DeadKernelError):
                await asyncio.wait_for(_hidden(client, probe_finish_code(job)), HIDDEN_TIMEOUT_S)
                # the probe has exported the models and closed its log: nothing is left for a
                # graceful shutdown to wait for (it took 0.75-0.92 s of every run measured)
                client.shutdown_kernel = "immediate"
            phases["finish"] = round(time.monotonic() - finish_started, 3)
        shutdown_started = time.monotonic()
    phases["shutdown"] = round(time.monotonic() - shutdown_started, 3)
    cells = tuple(runs.get(i, CellRun(index=i, status="not_run")) for i in code_cells(nb))
    executed = os.path.join(job.out_dir, "executed.ipynb")  # written by the launcher, outside
    outcome = ExecutionOutcome(
        status=status,
        reason=reason,
        cells=cells,
        duration_s=round(time.monotonic() - start, 3),
        executed_notebook=executed,
        evidence_dir=job.evidence_dir,
        phases=phases,
    )
    return outcome, nb


async def _hidden(client: CappedClient, code: str) -> list[Any]:
    # nbclient writes the executed cell back into nb.cells[index]: give it a slot of its own
    cells = client.nb.cells
    cells.append(nbformat.v4.new_code_cell(code))
    index = len(cells) - 1
    try:
        await client.async_execute_cell(cells[index], index, store_history=False)
        return list(cells[index].outputs)
    finally:
        del cells[index]


async def _run_cell(
    client: CappedClient,
    cell: NotebookNode,
    index: int,
    number: int,
    limit: float,
    whole_notebook: bool,
    notebook_limit: float,
) -> tuple[CellRun, _Watch]:
    watch = _Watch()
    loop = asyncio.get_running_loop()
    # the cell named as Jupyter numbers it (among code cells), like all feedback does
    what = (
        f"the whole notebook ran past its {notebook_limit:g} s limit"
        if whole_notebook
        else f"code cell {number} ran past its {limit:g} s limit"
    )

    def interrupt() -> None:
        watch.timed_out, watch.reason = True, what
        watch.tasks.append(loop.create_task(_interrupt(client)))
        watch.handles.append(loop.call_later(INTERRUPT_GRACE_S, kill))

    def kill() -> None:
        watch.killed = True
        watch.reason = what + " and did not stop when interrupted"
        _kill_kernel(client)

    watch.handles.append(loop.call_later(limit, interrupt))
    client.reset_cell(index)
    started = time.monotonic()
    reply: dict[str, Any] = {}

    def on_executed(cell: NotebookNode, cell_index: int, execute_reply: dict[str, Any]) -> None:
        reply.update(execute_reply.get("content", {}))

    client.on_cell_executed = on_executed
    try:
        await client.async_execute_cell(cell, index)
    except DeadKernelError:
        watch.cancel()
        status: CellStatus = "timeout" if watch.timed_out else "not_run"
        error = watch.reason if watch.timed_out else "the kernel died while running this cell"
        return CellRun(index=index, status=status, error=error, seconds=round(time.monotonic() - started, 3)), watch
    finally:
        client.on_cell_executed = _no_hook
    watch.cancel()
    seconds = round(time.monotonic() - started, 3)
    if watch.timed_out:
        return CellRun(index=index, status="timeout", error=what, seconds=seconds), watch
    if reply.get("status") == "error":
        error = f"{reply.get('ename', 'Error')}: {reply.get('evalue', '')}".strip()
        return CellRun(index=index, status="error", error=error[:500], seconds=seconds), watch
    return CellRun(index=index, status="ok", seconds=seconds), watch


def _no_hook(**_: Any) -> None:
    """nbclient's default: no hook."""


async def _interrupt(client: CappedClient) -> None:
    try:
        await client.km._async_interrupt_kernel()  # type: ignore[union-attr]
    except Exception:
        _kill_kernel(client)


def _kernel_pid(client: CappedClient) -> int | None:
    provisioner = getattr(client.km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    return getattr(process, "pid", None)


def _kill_kernel(client: CappedClient) -> None:
    pid = _kernel_pid(client)
    if pid is None:
        return
    try:
        os.killpg(os.getpgid(pid), signal.SIGKILL)  # the kernel and anything it spawned
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


_SIGNAL_REASONS = {
    signal.SIGKILL: "it was killed (the memory limit, or a kill signal)",
    signal.SIGXCPU: "it used up its CPU-time limit",
    signal.SIGXFSZ: "it wrote a file larger than the file-size limit",
    signal.SIGSEGV: "it crashed (segmentation fault)",
    signal.SIGABRT: "it aborted",
}
_LIMIT_REASONS = {  # the same, with the size of the limit when the sandbox says it
    signal.SIGXCPU: "it used more than {cpu_s} s of CPU time",
    signal.SIGXFSZ: "it wrote a file larger than {file_size_mb} MB",
}


def _sandbox_limits() -> dict[str, Any]:
    """The limits the sandbox put on this process (see grader.sandbox.limits.LIMITS_ENV)."""
    try:
        return dict(json.loads(os.environ.get("GRADER_SANDBOX_LIMITS", "{}")))
    except (ValueError, TypeError):
        return {}


def _death_reason(client: CappedClient) -> str:
    provisioner = getattr(client.km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    code = process.poll() if process is not None else None
    if code is None:
        return "the kernel stopped answering"
    if code < 0:
        sig = signal.Signals(-code)
        text = _SIGNAL_REASONS.get(sig, f"signal {sig.name}")
        limits = _sandbox_limits()
        if sig in _LIMIT_REASONS and {"cpu_s", "file_size_mb"} <= limits.keys():
            text = _LIMIT_REASONS[sig].format(**limits)
        return f"the kernel died: {text}"
    return f"the kernel exited with status {code} (os._exit or a crash)"
