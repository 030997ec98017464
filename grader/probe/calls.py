"""One wrapper shape for every hooked library call: run it, then record it (outermost only)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .session import Session

Record = Callable[[tuple[Any, ...], dict[str, Any], Any, float], None]
Failed = Callable[[tuple[Any, ...], dict[str, Any], BaseException], None]


def recording(session: Session, record: Record, before: Callable[..., Any] | None = None, failed: Failed | None = None):
    """A factory for ``Session.wrap``: the wrapper calls the original, then ``record``.

    Calls made while another hooked call is running (Keras' fit calling evaluate, a Pipeline
    calling its steps) pass straight through, so one student call is one event.  ``before``
    may rewrite (args, kwargs) first - used by shims only.  When the original raises,
    ``failed`` records the exception (so feedback can name the real cause of a missing fit)
    and the exception reaches the student unchanged.
    """

    def factory(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if session.depth:
                return original(*args, **kwargs)
            if before is not None:
                args, kwargs = before(args, kwargs)
            start = time.monotonic()
            session.enter()
            try:
                result = original(*args, **kwargs)
            except Exception as exc:
                if failed is not None:
                    _note_failure(session, failed, args, kwargs, exc)
                raise
            finally:
                session.leave()
            elapsed = time.monotonic() - start
            session.enter()  # work done while recording (predict for labels...) is ours
            try:
                record(args, kwargs, result, elapsed)
            except Exception as exc:  # recording must never break the student's call
                session.hook_error(getattr(original, "__qualname__", "call"), exc)
            finally:
                session.leave()
            return result

        return wrapper

    return factory


def _note_failure(
    session: Session, failed: Failed, args: tuple[Any, ...], kwargs: dict[str, Any], exc: BaseException
) -> None:
    try:
        failed(args, kwargs, exc)
    except Exception as problem:  # recording must never change the student's exception
        session.hook_error("call_error", problem)


def error_text(exc: BaseException) -> str:
    """``ExceptionType: first line of the message``, as feedback quotes it."""
    message = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {message[0] if message else ''}".strip().rstrip(":")[:300]


def argument(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str) -> Any:
    """Positional-or-keyword argument lookup without binding a signature."""
    if len(args) > index:
        return args[index]
    return kwargs.get(name)
