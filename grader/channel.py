"""The executor's only way home: signed lines on a pipe the notebook cannot forge.

A neutral module (it imports nothing of ``grader``): the worker inside the sandbox, the
sandbox supervisor outside it and the launcher all speak it, so neither ``execute`` nor
``sandbox`` has to import the other.

The worker shares the sandbox with the student's kernel, so nothing it writes to a file can
be trusted (the kernel could write the same file, or kill the worker and leave a forged
one).  Instead the launcher hands the worker a secret key through a pipe that is read once,
before the kernel starts; the worker makes itself non-dumpable (the kernel, without
capabilities, can then neither read its memory nor open its file descriptors) and sends
every report as ``GRADER1 <hmac> <json>`` on its private copy of stdout.  The launcher
keeps only lines whose HMAC checks out.
"""

from __future__ import annotations

import ctypes
import hashlib
import hmac
import json
import os
import signal
from collections.abc import Iterator
from typing import Any, BinaryIO

KEY_FD_ENV = "GRADER_CHANNEL_FD"
"""Environment variable naming the file descriptor the key can be read from (once)."""
SUPERVISOR_KEY_ENV = "GRADER_SUPERVISOR_KEY"
"""The key (hex) for the sandbox supervisor, which runs outside the sandbox."""
VERDICT_KIND = "sandbox"
"""The kind of the supervisor's one message: which limit (if any) tripped, and the limits."""
STARTED_KIND = "started"
"""The worker's message just before the first cell of the notebook runs: from then on a run
that stops early may be the notebook's doing; before it, only the grader's."""
FAULT_KIND = "fault"
"""A failure of the grader's own (worker or supervisor), with its one-line description."""
PREFIX = b"GRADER1 "
MAX_LINE = 256 * 1024 * 1024
KEY_BYTES = 32
PR_SET_DUMPABLE = 4
PR_SET_PDEATHSIG = 1
LAUNCHER_PID_ENV = "GRADER_LAUNCHER_PID"
"""The launcher's pid, for the process it starts (the supervisor, or an unsandboxed worker) to
stop when the launcher dies (see :func:`die_with_launcher`)."""


def read_key(fd: int) -> bytes:
    """Read the whole key from ``fd`` and close it."""
    chunks: list[bytes] = []
    try:
        while len(b"".join(chunks)) < KEY_BYTES:
            chunk = os.read(fd, KEY_BYTES)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def make_undumpable() -> bool:
    """Forbid other processes of the same user (the kernel) to read this one's memory or fds."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_launcher() -> bool:
    """Get SIGTERM when the launcher dies (a Dask worker killed mid-run, say), instead of running
    on unseen, writing into the folder its retry uses.  Without the launcher's pid in the
    environment (or off Linux) nothing changes; a launcher already gone stops this one now."""
    launcher = os.environ.pop(LAUNCHER_PID_ENV, "")
    if not launcher.isdigit():
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != int(launcher):  # it died before the line above: no signal will come
        os.kill(os.getpid(), signal.SIGTERM)
    return True


def encode(key: bytes, kind: str, data: Any) -> bytes:
    """One signed line."""
    body = json.dumps({"kind": kind, "data": data}, separators=(",", ":")).encode()
    mac = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
    return PREFIX + mac + b" " + body + b"\n"


def decode(key: bytes, line: bytes) -> tuple[str, Any] | None:
    """(kind, data) of a line signed with ``key``; None for anything else."""
    if not line.startswith(PREFIX):
        return None
    try:
        mac, body = line[len(PREFIX) :].rstrip(b"\n").split(b" ", 1)
    except ValueError:
        return None
    if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).hexdigest().encode()):
        return None
    try:
        message = json.loads(body)
    except ValueError:
        return None
    if not isinstance(message, dict) or not isinstance(message.get("kind"), str):
        return None
    return message["kind"], message.get("data")


class Sender:
    """The worker's (or supervisor's) end: writes signed lines to a file descriptor."""

    def __init__(self, fd: int, key: bytes) -> None:
        self.fd = fd
        self.key = key

    def send(self, kind: str, data: Any) -> None:
        """Write one message (whole, retrying short writes)."""
        view = memoryview(encode(self.key, kind, data))
        while view:
            written = os.write(self.fd, view)
            view = view[written:]


def messages(stream: BinaryIO, key: bytes) -> Iterator[tuple[str, Any]]:
    """Every authentic message on ``stream``, until it closes; forged or oversized lines are skipped."""
    while True:
        line = stream.readline(MAX_LINE)
        if not line:
            return
        if not line.endswith(b"\n"):  # over MAX_LINE: skip the rest of it
            while line and not line.endswith(b"\n"):
                line = stream.readline(MAX_LINE)
            continue
        decoded = decode(key, line)
        if decoded is not None:
            yield decoded
