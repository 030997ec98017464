"""Grading on a Dask distributed cluster: each job runs the same sandboxed pipeline
(:func:`.grade.grade_submission`) on a worker, and its ``Graded`` comes back to this process,
where ``on_graded`` is called the moment it arrives.

The job is not self-contained: a worker reads the notebook, its files, the data, the rubric's
test files and the grading environment at the paths the grader names, and writes the run into the
evidence cache or the output folder's ``.work`` at the grader's paths.  Workers on other machines
must therefore see those paths on a shared filesystem; :func:`check_workers` proves it before any
job is sent (a marker written here must be read there) and refuses in one line when not.

A submission whose worker dies (the process killed, the machine lost) is run again once on
another worker, then recorded as failed (status ``error``, nothing judged, needs review).  The
scheduler's own re-runs (``distributed.scheduler.allowed-failures``) count as tries: a
``dask-local`` cluster is started with none, and a ``dask scheduler`` should be started with
``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=0`` (else it re-runs it itself, 3 times by default).
"""

from __future__ import annotations

import logging
import secrets
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import dask
from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.scheduler import KilledWorker

from .. import __version__
from ..errors import ConfigError, GradingStopped
from ..execute.stop import stopping
from .executors import Attempts, ExecutorChoice
from .grade import Graded, grade_submission, lost_result, unreachable_result
from .plan import Job

STOP_POLL_S = 0.2
"""How often a wait for the next result looks whether the grading was stopped."""
CONNECT_TIMEOUT_S = 10
"""How long to wait for the scheduler of ``dask://HOST:PORT`` to answer."""
WORKERS_TIMEOUT_S = 60
"""How long to wait for a first worker to join."""
MARKER_PREFIX = ".grader-shared-"
SHARED_PATHS = (
    "workers must see the grader's submissions, data, cache and output folders at the same paths (a shared filesystem)"
)

Submit = Callable[[int, Job, tuple[str, ...]], Any]
"""Send job ``index`` to a worker (avoiding the addresses given); returns its future."""


def grade_on_dask(
    jobs: Sequence[Job], choice: ExecutorChoice, workers: int, on_graded: Callable[[int, Job, Graded], None] | None
) -> list[Graded]:
    """Grade ``jobs`` on the cluster ``choice`` names (``dask-local``: ``workers`` worker processes)."""
    if not jobs:
        return []
    with dask_client(choice, workers) as client:
        check_workers(client, jobs)
        return stream(jobs, submitter(client), on_graded, lambda: sum(client.nthreads().values()))


def grade_remote(job: Job) -> Graded:
    """What a worker runs: the whole pipeline for one submission (a worker that joined after
    :func:`check_workers` and cannot see its files says so in the result, status ``error``)."""
    reads, _ = needed_paths([job])
    missing = [path for path in reads if not Path(path).exists()]
    if missing:
        reason = f"Dask worker {_worker_address()} cannot see {missing[0]}: {SHARED_PATHS}"
        return Graded(unreachable_result(job.submission, job.settings, reason), None)
    return grade_submission(job.submission, job.settings)


def _worker_address() -> str:
    try:
        return str(get_worker().address)
    except ValueError:  # called outside a worker
        return "(none)"


@contextmanager
def dask_client(choice: ExecutorChoice, workers: int) -> Iterator[Client]:
    """A client of a ``LocalCluster`` started for the run (closed after it), or of the running
    scheduler at ``choice.address`` (an unreachable one is a one-line ConfigError)."""
    if logging.getLogger().getEffectiveLevel() > logging.INFO:  # Dask's chatter only with -v
        logging.getLogger("distributed").setLevel(logging.CRITICAL)  # a lost worker is said in its result
    if choice.kind == "dask-local":
        # one loss = one try; and a worker holds only the task it runs (with the default
        # saturation it holds a second, which its death would count as lost too)
        with dask.config.set(
            {"distributed.scheduler.allowed-failures": 0, "distributed.scheduler.worker-saturation": 1.0}
        ):
            cluster = LocalCluster(
                n_workers=max(1, workers),
                threads_per_worker=1,  # one notebook per worker process at a time
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                memory_limit=0,  # the sandbox limits each run; the nanny must not kill a worker for it
                silence_logs=logging.ERROR,
            )
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(choice.address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(
            f"--executor dask://{str(choice.address).removeprefix('tcp://')}: no Dask scheduler answers there "
            f"({' '.join(str(exc).split())[:160]}); start one with 'dask scheduler'"
        ) from None
    with client:
        yield client


def submitter(client: Client) -> Submit:
    """Submit a job, to a worker other than ``avoid`` when there is one."""

    def submit(index: int, job: Job, avoid: tuple[str, ...]) -> Any:
        others = [w for w in client.nthreads() if w not in avoid] if avoid else []
        where: dict[str, Any] = {"workers": others, "allow_other_workers": True} if others else {}
        # allow_other_workers: if those die too, any worker (a restarted one) will do
        return client.submit(grade_remote, job, key=f"grade-{index}-{uuid.uuid4().hex[:12]}", pure=False, **where)

    return submit


def stream(
    jobs: Sequence[Job],
    submit: Submit,
    on_graded: Callable[[int, Job, Graded], None] | None,
    capacity: Callable[[], int] = lambda: 1 << 30,
    completed: Callable[[list[Any]], Any] = as_completed,
    stopped: Callable[[], bool] = stopping,
) -> list[Graded]:
    """Keep the cluster's ``capacity()`` (its threads) busy with jobs and take each result as it
    arrives: ``on_graded`` is called here, in the grader's process.  Only as many jobs as there
    are threads are out at once, so a worker holds just the notebook it runs and a worker's death
    costs that one.  A job whose worker died is sent again first while :class:`.Attempts`
    allows, then recorded as failed; any other error in a job is the grader's and is raised.
    Once ``stopped()`` (Ctrl-C, SIGTERM) nothing more is sent, the jobs out are cancelled and
    :class:`~grader.errors.GradingStopped` is raised; what arrived before stays with ``on_graded``."""
    waiting: deque[tuple[int, tuple[str, ...]]] = deque((index, ()) for index in range(len(jobs)))
    out: dict[Any, int] = {}
    first_sent: dict[int, float] = {}
    tries: dict[int, Attempts] = {}
    results: dict[int, Graded] = {}
    queue = completed([])

    def send_more() -> None:
        room = max(1, capacity()) - len(out)  # a cluster with no worker yet still gets one job
        while waiting and room > 0:
            index, avoid = waiting.popleft()
            first_sent.setdefault(index, time.monotonic())
            future = submit(index, jobs[index], avoid)
            out[future] = index
            queue.add(future)
            room -= 1

    try:
        send_more()
        for future in _arrivals(queue, stopped):
            index = out.pop(future)
            job = jobs[index]
            if future.status == "error":
                error = future.exception()
                if not isinstance(error, KilledWorker):
                    raise error
                tried = tries.get(index, Attempts()).after_loss(error.allowed_failures + 1, error.last_worker.address)
                tries[index] = tried
                if tried.retry:
                    waiting.appendleft((index, tried.workers))
                    send_more()
                    continue
                seconds = time.monotonic() - first_sent[index]
                graded = Graded(lost_result(job.submission, job.settings, tried.reason(), seconds), None)
            else:
                graded = future.result()
            results[index] = graded
            send_more()  # before the reports are written: the cluster is not kept waiting
            if on_graded is not None:
                on_graded(index, job, graded)
    finally:
        for left in out:  # an error or Ctrl-C: nothing more is run for this grader
            with suppress(Exception):
                left.cancel()
    return [results[i] for i in range(len(jobs))]


def _arrivals(queue: Any, stopped: Callable[[], bool]) -> Iterator[Any]:
    """Each finished future as it arrives, waiting in short steps so that a stop is seen within
    :data:`STOP_POLL_S` (Dask's own iteration blocks until the next one finishes)."""
    while not queue.is_empty():
        while not queue.has_ready():
            if stopped():
                raise GradingStopped("grading was stopped while notebooks ran on the Dask cluster")
            time.sleep(STOP_POLL_S)
        if stopped():
            raise GradingStopped("grading was stopped while notebooks ran on the Dask cluster")
        yield next(queue)


def needed_paths(jobs: Iterable[Job]) -> tuple[list[str], list[Path]]:
    """(paths a worker reads, folders it writes into) for these jobs."""
    reads: dict[str, None] = {}
    writes: dict[Path, None] = {}
    for job in jobs:
        settings = job.settings
        for path in (job.submission.content, *job.submission.siblings, settings.data_dir):
            if path is not None:
                reads[str(path)] = None
        if settings.environment is not None:
            reads[str(settings.environment.python)] = None
        for item in settings.rubric.items:
            if item.check == "test" and "file" in item.params:
                reads[str(item.params["file"])] = None
        for folder in (settings.cache.root if settings.cache else None, settings.work_root):
            if folder is not None:
                writes[folder] = None
    return list(reads), list(writes)


def worker_view(reads: list[str], markers: dict[str, str], sandboxed: bool) -> tuple[str, list[str], str]:
    """Run on each worker: (its grader version, what it cannot see, why its sandbox cannot run or '')."""
    import os

    from grader import __version__ as version

    missing = [path for path in reads if not os.path.exists(path)]
    for path, token in markers.items():
        try:
            with open(path, encoding="utf-8") as marker:
                seen = marker.read()
        except OSError:
            seen = ""
        if seen != token:
            missing.append(os.path.dirname(path))
    problem = ""
    if sandboxed:
        from grader.sandbox import sandbox_available

        ok, why = sandbox_available()
        problem = "" if ok else why
    return version, missing, problem


def check_workers(client: Client, jobs: Sequence[Job]) -> None:
    """Refuse in one line unless every worker runs this grader, sees the grader's paths (a
    marker written into each output folder must be read back there) and can sandbox."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
    except TimeoutError:
        address = client.scheduler.address if client.scheduler else "?"
        raise ConfigError(
            f"the Dask scheduler at {address} has no workers after {WORKERS_TIMEOUT_S} s; "
            f"start one with 'dask worker {address}'"
        ) from None
    reads, writes = needed_paths(jobs)
    markers = {}
    for folder in writes:
        folder.mkdir(parents=True, exist_ok=True)
        marker = folder / f"{MARKER_PREFIX}{secrets.token_hex(8)}"
        marker.write_text(token := secrets.token_hex(16), encoding="utf-8")
        markers[str(marker)] = token
    try:
        views = client.run(worker_view, reads, markers, any(job.settings.sandboxed for job in jobs))
    except Exception as exc:  # a worker without grader cannot even unpickle the question
        raise ConfigError(
            f"a Dask worker cannot run the grader ({type(exc).__name__}: {' '.join(str(exc).split())[:160]}); "
            "install it on every worker (pip install grader, and bubblewrap)"
        ) from None
    finally:
        for path in markers:
            Path(path).unlink(missing_ok=True)
    for address, (version, missing, sandbox_problem) in sorted(views.items()):
        _refuse_worker(address, version, missing, sandbox_problem)


def _refuse_worker(address: str, version: str, missing: list[str], sandbox_problem: str) -> None:
    if version != __version__:
        raise ConfigError(
            f"Dask worker {address} runs grader {version}, this grader is {__version__}: "
            "install the same version on every worker"
        )
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise ConfigError(f"Dask worker {address} cannot see {missing[0]}{more}: {SHARED_PATHS}")
    if sandbox_problem:
        raise ConfigError(f"Dask worker {address} cannot sandbox: {sandbox_problem}")
