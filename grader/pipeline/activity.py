"""Which notebooks are running right now (for a live progress display)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running: Counter[str] = Counter()


@contextmanager
def running(name: str) -> Iterator[None]:
    """Count ``name`` as running while the block runs."""
    with _lock:
        _running[name] += 1
    try:
        yield
    finally:
        with _lock:
            _running[name] -= 1
            if _running[name] <= 0:
                del _running[name]


def now_running() -> list[str]:
    """The names running now, in the order they started."""
    with _lock:
        return list(_running)
