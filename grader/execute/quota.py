"""A workspace on the disk quota: copy the inputs in, notice the disk filling, send back what is kept.

When the sandbox gives the notebook a size-limited tmpfs for its folder, home and /tmp (it
says so in ``WORKSPACE_LAYOUT_ENV``; see ``grader.sandbox.mounts``), the kernel writes
nothing to the grader's disk.  The worker, inside, copies the host workspace's inputs (the
notebook, the files handed in with it, the staged data) into the tmpfs before the kernel
starts, and after the run sends home, over the signed channel, only what grading needs: the
evidence folder and the model files the notebook saved.  The launcher, outside, writes
those under the host workspace within ``MAX_KEPT_BYTES`` and ``MAX_KEPT_FILES``
(:class:`Keeper`), refusing any path outside the run's folders.

This module runs on both sides (the worker's and the launcher's); it holds no sandbox code.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import stat
import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ..models.execution import WORKSPACE_LAYOUT_ENV, CellRun, ExecutionJob, ExecutionOutcome, size_words

FILE_KIND = "file"
"""Channel messages carrying one chunk of a kept file."""
CHUNK_BYTES = 4 * 1024 * 1024
MAX_KEPT_BYTES = 2 * 1024**3
"""The most a run leaves on the host beyond its inputs (evidence and saved model files)."""
MAX_KEPT_FILES = 500_000
"""The most files a run leaves on the host.  The probe writes three small row files per fit: a
hand-written ``partial_fit`` loop of 3 configurations x 250 epochs already leaves ~20,000, and
its evidence must arrive whole (the bytes cap bounds the disk; the evidence tmpfs its inodes)."""
MAX_SAVED_FILES = 6
"""Saved model files kept, the latest first (the evidence stage checks as many)."""
FULL_MARGIN_BYTES = 1024 * 1024
"""Free space below which the quota counts as filled."""
NO_SPACE = ("No space left on device", "[Errno 28]")


def workspace_layout() -> dict[str, Any] | None:
    """The sandbox's word that the workspace is a quota tmpfs (None: host folders, no quota).
    Read once: the variable is taken out of the environment the kernel inherits."""
    try:
        layout = json.loads(os.environ.pop(WORKSPACE_LAYOUT_ENV, ""))
    except ValueError:
        return None
    return layout if isinstance(layout, dict) and "disk_mb" in layout else None


def copy_inputs(layout: dict[str, Any]) -> None:
    """Copy the host workspace's inputs (read-only inside) into the quota tmpfs; links stay links."""
    for source, target in layout.get("inputs", []):
        if not os.path.isdir(source):
            continue
        try:
            shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
        except (OSError, shutil.Error) as exc:  # inputs larger than the quota: the notebook says what is missing
            print(f"grader worker: copying the inputs in stopped: {str(exc)[:300]}", file=sys.stderr)


class DiskWatch:
    """Notices a notebook filling its quota: a cell failing with "No space left", or no space left."""

    def __init__(self, layout: dict[str, Any]) -> None:
        self.mount = str(layout.get("mount", "/"))
        self.disk_mb = int(layout["disk_mb"])
        self.full = False

    def after_cell(self, run: CellRun) -> None:
        """Look at the disk after each cell."""
        if run.error and any(mark in run.error for mark in NO_SPACE):
            self.full = True
        with contextlib.suppress(OSError):
            info = os.statvfs(self.mount)
            if info.f_bavail * info.f_frsize < FULL_MARGIN_BYTES:
                self.full = True

    def conclude(self, outcome: ExecutionOutcome) -> ExecutionOutcome:
        """The outcome saying that the disk was filled (and, for a run that finished, why it says so)."""
        if not self.full:
            return outcome
        reason = outcome.reason or f"the notebook filled its {size_words(self.disk_mb)} of disk"
        return replace(outcome, disk_full_mb=self.disk_mb, reason=reason)


# -- the worker's side: what grading needs, sent over the channel ------------------------------


def _saved_models(job: ExecutionJob) -> list[str]:
    """The latest model files the notebook saved in its folder or home (from the probe's events)."""
    roots = [os.path.abspath(job.workdir) + os.sep]
    if job.kernel_env.get("HOME"):
        roots.append(os.path.abspath(job.kernel_env["HOME"]) + os.sep)
    found: list[str] = []
    events = os.path.join(job.evidence_dir, "events.jsonl")
    with contextlib.suppress(OSError), open(events, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                event = json.loads(line)
                path = event.get("path") if event.get("kind") == "save" else None
                if isinstance(path, str) and os.path.normpath(path) == path and path.startswith(tuple(roots)):
                    found.append(path)
    latest = [p for p in dict.fromkeys(reversed(found)) if _regular(p)]
    return latest[:MAX_SAVED_FILES]


def _regular(path: str) -> bool:
    """A plain file, not a link, a FIFO or a device."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def evidence_files(job: ExecutionJob) -> list[str]:
    """The evidence folder's plain files, in a stable order."""
    files: list[str] = []
    for folder, dirs, names in os.walk(job.evidence_dir):
        dirs.sort()
        files += [os.path.join(folder, n) for n in sorted(names) if _regular(os.path.join(folder, n))]
    return files


def kept_files(job: ExecutionJob) -> list[str]:
    """What grading needs from the run, in the order it is sent: saved models, then the evidence."""
    return _saved_models(job) + evidence_files(job)


def _chunks(path: str, start: int = 0) -> Iterator[tuple[bytes, os.stat_result]]:
    """A regular file's bytes from ``start`` (never a link, a FIFO or a device, even if swapped in
    meanwhile), each chunk with the file's status as it was before reading."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return
        handle.seek(start)
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk, info


class KeptSender:
    """Sends the kept files home as ``FILE_KIND`` chunks, each file once per change.

    ``update()`` after every cell sends the evidence recorded so far (a runner killed later -
    by the notebook, or at the hard time limit - still leaves the evidence of the cells before);
    ``finish()`` after the run sends the saved models and the rest.  The probe's append-only
    logs go as their new bytes; any other file that changed goes again whole.
    """

    APPEND_ONLY = ("events.jsonl", "worker.log")

    def __init__(self, send: Any, job: ExecutionJob) -> None:
        self.send = send
        self.job = job
        self.sent: dict[str, tuple[int, int]] = {}
        """path -> (bytes sent, modification time when read)"""
        self.total = 0

    def update(self) -> None:
        """Send what changed in the evidence folder."""
        for path in evidence_files(self.job):
            self._file(path)

    def finish(self) -> None:
        """Send the saved models and whatever changed in the evidence since the last update."""
        for path in kept_files(self.job):
            self._file(path)

    def _file(self, path: str) -> None:
        if self.total >= MAX_KEPT_BYTES or (path not in self.sent and len(self.sent) >= MAX_KEPT_FILES):
            return
        try:
            now = os.lstat(path)
        except OSError:
            return
        before = self.sent.get(path)
        if before == (now.st_size, now.st_mtime_ns):
            return  # unchanged since sent
        append = before is not None and os.path.basename(path) in self.APPEND_ONLY and now.st_size >= before[0]
        offset = before[0] if append and before is not None else 0
        mtime = now.st_mtime_ns
        for chunk, info in _chunks(path, offset):
            self.send(FILE_KIND, {"path": path, "offset": offset, "data": base64.b64encode(chunk).decode("ascii")})
            offset += len(chunk)
            self.total += len(chunk)
            mtime = info.st_mtime_ns
            if self.total >= MAX_KEPT_BYTES:
                break
        if offset == 0 and _regular(path):
            self.send(FILE_KIND, {"path": path, "offset": 0, "data": ""})  # an empty file is a file too
        self.sent[path] = (offset, mtime)


def send_kept(send: Any, job: ExecutionJob) -> None:
    """Send every kept file once (``send(kind, data)`` is the channel's)."""
    KeptSender(send, job).finish()


# -- the launcher's side: written under the host workspace, bounded -----------------------------


class Keeper:
    """Writes the kept files a confined worker sends, only under the run's folders and within bounds."""

    def __init__(self, job: ExecutionJob) -> None:
        roots = [job.evidence_dir, job.workdir]
        if job.kernel_env.get("HOME"):
            roots.append(job.kernel_env["HOME"])
        self.roots = [os.path.abspath(r) for r in roots]
        self.written = 0
        self.files: dict[str, int] = {}

    def _allowed(self, path: str) -> bool:
        if not isinstance(path, str) or not os.path.isabs(path) or os.path.normpath(path) != path:
            return False
        for root in self.roots:
            if path.startswith(root + os.sep):
                # on the host: no link among the folders that exist may lead out of the run's folder
                parent = os.path.realpath(os.path.dirname(path))
                return parent == os.path.realpath(root) or parent.startswith(os.path.realpath(root) + os.sep)
        return False

    def add(self, data: dict[str, Any]) -> None:
        """Write one chunk (a first chunk, offset 0, starts the file afresh)."""
        path, offset = data.get("path"), data.get("offset")
        if not isinstance(path, str) or not isinstance(offset, int):
            return
        chunk = base64.b64decode(str(data.get("data", "")), validate=True)
        if self.written + len(chunk) > MAX_KEPT_BYTES:
            return
        if offset == 0:
            if len(self.files) >= MAX_KEPT_FILES:
                return
            if not self._allowed(path):
                return
            with contextlib.suppress(OSError):
                os.makedirs(os.path.dirname(path), exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
        elif self.files.get(path) != offset:
            return  # only the continuation of a file being written
        else:
            flags = os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW
        try:
            fd = os.open(path, flags, 0o644)
            with os.fdopen(fd, "wb") as handle:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    return
                handle.write(chunk)
        except OSError:  # the grader's own disk full: the run is graded on what arrived
            return
        self.files[path] = offset + len(chunk)
        self.written += len(chunk)
