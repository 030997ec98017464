"""Which of a student's several submissions counts: the latest (LMS time, else file time)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import UTC
from typing import TypeVar

from .store import SubmissionInfo

K = TypeVar("K", bound=Hashable)


def _when(info: SubmissionInfo) -> tuple[int, float]:
    # an LMS time beats a file time (a file copied later is not a later submission)
    if info.lms_timestamp is not None:
        when = info.lms_timestamp  # kept in UTC, without its zone (SQL DATETIME has none)
        return (1, (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp())
    return (0, info.file_mtime or 0.0)


def superseded(entries: Sequence[tuple[K, str, SubmissionInfo]]) -> set[K]:
    """The keys of submissions a later one of the same student for the same rubric replaces.

    ``entries``: (key, rubric, info).  A submission without a student id is never superseded;
    on a tie the one listed last counts."""
    latest: dict[tuple[str, str], tuple[tuple[int, float], int, K]] = {}
    gone: set[K] = set()
    for order, (key, rubric, info) in enumerate(entries):
        if not info.student:
            continue
        group = (info.student, rubric)
        candidate = (_when(info), order, key)
        held = latest.get(group)
        if held is None:
            latest[group] = candidate
        elif (candidate[0], candidate[1]) >= (held[0], held[1]):
            gone.add(held[2])
            latest[group] = candidate
        else:
            gone.add(key)
    return gone
