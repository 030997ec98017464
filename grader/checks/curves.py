"""Finding the recorded histories a plotted curve could be, without comparing it with every one.

A curve is a recorded history when the two have the same length and every point lies within
``1e-4 + 1e-3 * |history value|`` of the history's.  Checking each plotted line against each
history is quadratic in a notebook that trains many models and plots all their curves, so the
histories are grouped by length and, when all their values are ordinary numbers, sorted by
their sum: a matching line's sum lies within the summed tolerances of the history's sum, so
only histories whose sums fall in that window can match.  The caller's own comparison decides
among those candidates (and among every history holding a missing value, NaN or infinity, whose
meaning each caller decides), so the answers are exactly the caller's.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

ABSOLUTE = 1e-4
RELATIVE = 1e-3
"""A point matches when ``|plotted - recorded| <= ABSOLUTE + RELATIVE * |recorded|``."""
_PLAIN_LIMIT = 1e150
"""Values beyond this are not summed (a sum could overflow); such series are compared directly."""


def _plain(values: Sequence[float | None]) -> bool:
    return all(v is not None and math.isfinite(v) and abs(v) < _PLAIN_LIMIT for v in values)


class CurveIndex:
    """Candidate histories for a plotted line; ``candidates(ys)`` are positions in ``series``, in
    order, a superset of every series that the point-wise tolerance can match."""

    def __init__(self, series: Sequence[Sequence[float]]) -> None:
        self._sums: dict[int, list[tuple[float, int]]] = {}
        self._other: dict[int, list[int]] = {}
        for at, values in enumerate(series):
            if _plain(values):
                self._sums.setdefault(len(values), []).append((math.fsum(values), at))
            else:
                self._other.setdefault(len(values), []).append(at)
        for group in self._sums.values():
            group.sort()

    def candidates(self, ys: Sequence[float | None]) -> list[int]:
        """Positions of the series of ``len(ys)`` points that ``ys`` could match."""
        length = len(ys)
        sums = self._sums.get(length, [])
        found = list(self._other.get(length, ()))
        if not _plain(ys):  # a missing or non-finite point: every series of that length
            found += [at for _, at in sums]
            return sorted(found)
        total = math.fsum(ys)  # type: ignore[arg-type]
        size = math.fsum(abs(v) for v in ys)  # type: ignore[arg-type]
        # sum |y - h| <= n * ABSOLUTE + RELATIVE * sum |h|, and sum |h| <= (size + n * ABSOLUTE) / (1 - RELATIVE);
        # the last term is a margin far above the rounding errors of these sums
        reach = length * ABSOLUTE + RELATIVE * (size + length * ABSOLUTE) / (1.0 - 2 * RELATIVE)
        reach += 1e-9 * (size + length + 1.0)
        start = bisect.bisect_left(sums, (total - reach, -1))
        for at in range(start, len(sums)):
            value, position = sums[at]
            if value > total + reach:
                break
            found.append(position)
        return sorted(found)
