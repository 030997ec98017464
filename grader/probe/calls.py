"""One wrapper shape for every hooked library call: run it, then record it (outermost only)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .session import Session

Record = Callable[[tuple[Any, ...], dict[str, Any], Any, float], None]


def recording(session: Session, record: Record, before: Callable[..., Any] | None = None):
    """A factory for ``Session.wrap``: the wrapper calls the original, then ``record``.

    Calls made while another hooked call is running (Keras' fit calling evaluate, a Pipeline
    calling its steps) pass straight through, so one student call is one event.  ``before``
    may rewrite (args, kwargs) first - used by shims only.
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


def argument(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str) -> Any:
    """Positional-or-keyword argument lookup without binding a signature."""
    if len(args) > index:
        return args[index]
    return kwargs.get(name)
