"""Each kernel's share of the cores: with several notebooks at once, every BLAS, OpenMP and
TensorFlow pool sized to the whole machine would fight the others (oversubscription)."""

from __future__ import annotations

import os

THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
)
"""Read by the libraries when they load: one pool each, of this many threads."""
TF_INTEROP = "TF_NUM_INTEROP_THREADS"


def usable_cores() -> int:
    """CPUs this process may run on (its affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def thread_share(cores: int, workers: int) -> int:
    """Threads for each of ``workers`` kernels on ``cores`` cores: an equal share, at least one."""
    return max(1, max(1, cores) // max(1, workers))


def thread_env(threads: int) -> dict[str, str]:
    """The environment that holds a kernel's libraries to ``threads`` threads."""
    env = dict.fromkeys(THREAD_VARIABLES, str(threads))
    env[TF_INTEROP] = str(min(2, threads))  # ops run side by side: a couple is plenty
    return env
