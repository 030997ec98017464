"""What the interpreter's exit would write: the buffers of files the notebook left open.

The runner kills a finished run's kernel rather than waiting for a graceful shutdown, so the
probe's last act flushes every file still open for writing (a model pickled into a handle the
notebook never closed must reach the disk whole).  Standard library only.
"""

from __future__ import annotations

import contextlib
import gc
import io

_WRITERS = (io.BufferedWriter, io.BufferedRandom, io.TextIOWrapper)


def flush_open_files() -> int:
    """Flush every open, writable file object of this interpreter; how many were flushed."""
    flushed = 0
    for obj in gc.get_objects():
        if not isinstance(obj, _WRITERS):
            continue
        with contextlib.suppress(Exception):  # a closed, detached or broken stream: left as it is
            if not obj.closed and obj.writable():
                obj.flush()
                flushed += 1
    return flushed
