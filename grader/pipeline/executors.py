"""Where the jobs run: this machine's threads (``local``), a Dask ``LocalCluster`` started for the
run (``dask-local``) or a running Dask cluster (``dask://HOST:PORT``); and how many times a
submission whose worker died is tried.  Nothing here imports Dask: local grading never loads it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import ConfigError

LOCAL = "local"
DASK_LOCAL = "dask-local"
DASK_SCHEME = "dask://"

MAX_ATTEMPTS = 2
"""A submission is run at most twice: once, and once more on another worker if its worker died."""

EXPECTED = f"expected {LOCAL}, {DASK_LOCAL} or {DASK_SCHEME}HOST:PORT"


@dataclass(frozen=True)
class ExecutorChoice:
    """An ``--executor`` value, understood."""

    kind: Literal["local", "dask-local", "dask"]
    address: str | None = None
    """The scheduler's address as Dask takes it (``tcp://HOST:PORT``), for ``dask`` only."""

    @property
    def on_dask(self) -> bool:
        """Whether the jobs run on a Dask cluster."""
        return self.kind != LOCAL


def parse_executor(value: str) -> ExecutorChoice:
    """``local``, ``dask-local`` or ``dask://HOST:PORT``; anything else is a one-line ConfigError."""
    text = value.strip()
    if text == LOCAL:
        return ExecutorChoice("local")
    if text == DASK_LOCAL:
        return ExecutorChoice("dask-local")
    if not text.startswith(DASK_SCHEME):
        raise ConfigError(f"--executor {value}: {EXPECTED}")
    host, colon, port = text[len(DASK_SCHEME) :].rpartition(":")
    if not colon or not host or "/" in host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(
            f"--executor {value}: {EXPECTED} (e.g. dask://10.0.0.5:8786, the port 'dask scheduler' prints)"
        )
    return ExecutorChoice("dask", f"tcp://{host}:{int(port)}")


@dataclass(frozen=True)
class Attempts:
    """How often one submission has been run on a worker that died under it."""

    lost: int = 0
    """Runs lost with their worker (the scheduler's own re-runs included)."""
    workers: tuple[str, ...] = ()
    """The address of each worker that died running it."""

    def after_loss(self, runs: int, worker: str) -> Attempts:
        """The count once ``runs`` more runs were lost, the last on ``worker``."""
        return Attempts(self.lost + max(1, runs), (*self.workers, worker))

    @property
    def retry(self) -> bool:
        """Whether to run it again (on another worker) rather than record it as failed."""
        return self.lost < MAX_ATTEMPTS

    def reason(self) -> str:
        """One line for the instructor on a submission given up on."""
        where = ", ".join(dict.fromkeys(self.workers)) or "unknown"
        return (
            f"the Dask worker running it died {self.lost} times (worker {where}); "
            "not graded, nothing judged: grade it again"
        )
