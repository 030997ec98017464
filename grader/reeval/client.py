"""The grader's side of re-evaluation: one worker process per graded submission.

``Reevaluator(command)`` starts ``command`` (the worker, with the environment's interpreter,
maybe wrapped by the sandbox) on first use, sends it requests and reads the predictions back,
each answer within ``timeout_s``.  A file that cannot be loaded raises ``ModelFileError`` and a
model that cannot predict ``PredictionError`` (both the student's file: not judged, with the
reason); a worker that cannot start, dies or does not answer raises ``ReevaluationFailed`` (the
grader's side).  ``close()`` ends the worker; it is also a context manager.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import IO, Any, NoReturn

import numpy as np

from .protocol import (
    MODEL_FAILURE,
    WORKER_MODULE,
    ModelFileError,
    PredictionError,
    ReevaluationFailed,
    decode,
    encode,
    unpack_array,
)

DEFAULT_TIMEOUT_S = 300.0
"""The longest one answer may take (loading TensorFlow and a large model included)."""
STDERR_KEPT = 4000


def worker_command(python: str | None = None) -> list[str]:
    """The command that starts the worker with ``python`` (an environment's) or this interpreter."""
    return [python or sys.executable, "-m", WORKER_MODULE]


class Reevaluator:
    """A re-evaluation worker, started on first use."""

    def __init__(
        self,
        command: Sequence[str] | None = None,
        *,
        env: dict[str, str] | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.command = list(command or worker_command())
        self.env = env
        self.timeout_s = timeout_s
        self._process: subprocess.Popen[bytes] | None = None
        self._answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._about: dict[str, Any] | None = None
        self._failed: str | None = None
        self._next_id = 0
        self._stderr: list[bytes] = []
        self._lock = threading.Lock()
        self.waited_s = 0.0
        """Seconds the grader spent waiting for the worker's answers (its start included)."""

    # -- lifetime -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker now (its imports then overlap whatever the grader does next)."""
        with self._lock:
            if self._process is not None or self._failed is not None:
                return
            env = dict(os.environ if self.env is None else self.env)
            env["PYTHONUNBUFFERED"] = "1"
            try:
                self._process = subprocess.Popen(
                    self.command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=env,
                    start_new_session=True,
                )
            except OSError as exc:
                self._failed = f"the re-evaluation worker could not start: {exc}"
                return
            assert self._process.stdout is not None and self._process.stderr is not None
            threading.Thread(target=self._read, args=(self._process.stdout,), daemon=True).start()
            threading.Thread(target=self._drain, args=(self._process.stderr,), daemon=True).start()

    def close(self) -> None:
        """End the worker (and everything it started) at once: it writes nothing, so there is
        nothing to wait for (its interpreter's teardown took seconds with TensorFlow loaded)."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            assert process.stdin is not None
            process.stdin.close()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        self._failed = self._failed or "the re-evaluation worker was closed"

    def __enter__(self) -> Reevaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests -------------------------------------------------------------------------------

    def about(self) -> dict[str, Any]:
        """What the worker said about itself: ``executable``, ``prefix`` and ``packages`` versions."""
        self._ensure_about()
        assert self._about is not None
        return self._about

    @property
    def started(self) -> bool:
        """Whether the worker was started (asked anything)."""
        return self._process is not None or self._about is not None

    def warm(self, formats: Sequence[str]) -> None:
        """Start the worker and ask it to import what files of ``formats`` (``.keras``, ``.skops``)
        need, without waiting: its imports overlap what the grader does meanwhile."""
        with contextlib.suppress(ReevaluationFailed):
            self._send({"op": "warm", "formats": list(formats)})

    def load(self, model: str) -> None:
        """Load the model in file ``model`` (kept for the next requests); ``ModelFileError`` if it cannot be."""
        _checked(self._ask({"op": "load", "model": os.path.abspath(model)}))

    def predict(self, model: str, inputs: str) -> np.ndarray:
        """The labels the model in file ``model`` predicts for the array in ``inputs`` (``.npy``)."""
        reply = _checked(
            self._ask({"op": "predict", "model": os.path.abspath(model), "inputs": os.path.abspath(inputs)})
        )
        try:
            return unpack_array(str(reply["labels"]))
        except (KeyError, ValueError) as exc:
            raise ReevaluationFailed(f"the re-evaluation worker sent unreadable labels ({exc})") from None

    # -- the pipe -------------------------------------------------------------------------------

    def _ensure_about(self) -> None:
        if self._about is None:
            self.start()
            message = self._receive()
            about = message.get("about")
            if not isinstance(about, dict):
                self._fail("the re-evaluation worker did not describe itself")
            self._about = about

    def _send(self, request: dict[str, Any]) -> int:
        """Write a request (starting the worker if need be) without waiting for anything."""
        self.start()
        process = self._process
        if self._failed is not None or process is None or process.stdin is None:
            raise ReevaluationFailed(self._failed or "the re-evaluation worker is not running")
        self._next_id += 1
        try:
            process.stdin.write(encode({"id": self._next_id, **request}))
            process.stdin.flush()
        except OSError:
            self._fail("the re-evaluation worker stopped")
        return self._next_id

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        wanted = self._send(request)
        self._ensure_about()  # the worker's first line
        while True:
            message = self._receive()
            if message.get("id") == wanted:
                return message

    def _receive(self) -> dict[str, Any]:
        if self._failed is not None:
            raise ReevaluationFailed(self._failed)
        asked = time.monotonic()
        try:
            message = self._answers.get(timeout=self.timeout_s)
        except queue.Empty:
            self._fail(f"the re-evaluation worker did not answer within {self.timeout_s:g} s")
        finally:
            self.waited_s += time.monotonic() - asked
        if message is None:
            self._fail("the re-evaluation worker stopped")
        return message

    def _fail(self, why: str) -> NoReturn:
        process = self._process
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        last = self._last_error()
        self._failed = why + (f" ({last})" if last else "")
        raise ReevaluationFailed(self._failed)

    def _read(self, stream: IO[bytes]) -> None:
        for line in stream:
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                self._answers.put(decode(line))
        self._answers.put(None)

    def _drain(self, stream: IO[bytes]) -> None:
        kept = 0
        for line in stream:
            if kept < STDERR_KEPT:
                self._stderr.append(line)
                kept += len(line)
            else:
                self._stderr = [*self._stderr[1:], line]

    def _last_error(self) -> str:
        lines = [" ".join(b.decode("utf-8", "replace").split()) for b in self._stderr]
        lines = [line for line in lines if line]
        return lines[-1][:200] if lines else ""


def _checked(reply: dict[str, Any]) -> dict[str, Any]:
    """The reply, or the student's file's failure it names, raised."""
    if reply.get("ok"):
        return reply
    error = str(reply.get("error") or "no reason given")
    if reply.get("kind") == MODEL_FAILURE:
        raise ModelFileError(error)
    raise PredictionError(error)
