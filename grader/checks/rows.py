"""Row-set comparisons for checks, on the fingerprints the evidence already holds."""

from __future__ import annotations

from typing import Any

from ..models.evidence import Evidence, Rows


def same_rows(a: Rows | None, b: Rows | None, fraction: float = 0.9) -> bool:
    """True when two row sets are (nearly) the same rows, by exact or rescaling-proof fingerprint."""
    if a is None or b is None or a.n == 0 or b.n == 0:
        return False
    if a.id == b.id:
        return True
    if abs(a.n - b.n) > 0.1 * max(a.n, b.n):
        return False
    exact = len(set(a.exact.tolist()) & set(b.exact.tolist()))
    shape = len(set(a.shape_fp.tolist()) & set(b.shape_fp.tolist())) if a.shape_identifies and b.shape_identifies else 0
    return max(exact, shape) >= fraction * min(a.n, b.n)


def assessed_rows(evidence: Evidence, mid: str) -> list[Rows]:
    """Rows a model was evaluated or predicted on."""
    found = [e.x for e in evidence.evaluations if e.mid == mid and e.x is not None]
    found += [p.x for p in evidence.predictions if p.mid == mid and p.x is not None and p.x.n > 1]
    found += [m.x for m in evidence.metric_calls if m.mid == mid and m.x is not None]
    return found


class RowsIndex:
    """``same_rows`` and ``assessed_rows`` for one evidence, each computed once.

    A check that compares every training run with the rows its model was judged on would
    otherwise rebuild the fingerprint sets of the same arrays, and scan every evaluation,
    prediction and metric call, once per run: quadratic in the runs of a notebook that trains
    many models.  Results are those of the two functions; nothing is kept past the check.
    """

    def __init__(self, evidence: Evidence) -> None:
        self._evidence = evidence
        self._pairs: dict[tuple[int, int, float], bool] = {}
        self._exact: dict[int, set[int]] = {}
        self._shape: dict[int, set[int]] = {}
        self._keep: list[Rows] = []  # holds every Rows whose id() keys a cache entry
        self._assessed: dict[str, list[Rows]] | None = None
        self._distinct: dict[str, list[Rows]] = {}

    def _fingerprints(self, rows: Rows, table: dict[int, set[int]], values: Any) -> set[int]:
        found = table.get(id(rows))
        if found is None:
            found = table[id(rows)] = set(values.tolist())
            self._keep.append(rows)
        return found

    def same(self, a: Rows | None, b: Rows | None, fraction: float = 0.9) -> bool:
        """``same_rows(a, b, fraction)``."""
        if a is None or b is None or a.n == 0 or b.n == 0:
            return False
        if a.id == b.id:
            return True
        if abs(a.n - b.n) > 0.1 * max(a.n, b.n):
            return False
        key = (id(a), id(b), fraction)
        known = self._pairs.get(key)
        if known is not None:
            return known
        exact = len(self._fingerprints(a, self._exact, a.exact) & self._fingerprints(b, self._exact, b.exact))
        shape = (
            len(self._fingerprints(a, self._shape, a.shape_fp) & self._fingerprints(b, self._shape, b.shape_fp))
            if a.shape_identifies and b.shape_identifies
            else 0
        )
        result = self._pairs[key] = max(exact, shape) >= fraction * min(a.n, b.n)
        self._keep += [a, b]
        return result

    def assessed(self, mid: str) -> list[Rows]:
        """``assessed_rows(evidence, mid)``: rows the model was evaluated or predicted on, in order."""
        return list(self._by_mid().get(mid, ()))

    def _by_mid(self) -> dict[str, list[Rows]]:
        if self._assessed is None:
            by_mid: dict[str, list[Rows]] = {}
            ev = self._evidence
            for e in ev.evaluations:
                if e.x is not None:
                    by_mid.setdefault(e.mid, []).append(e.x)
            for p in ev.predictions:
                if p.x is not None and p.x.n > 1:
                    by_mid.setdefault(p.mid, []).append(p.x)
            for m in ev.metric_calls:
                if m.mid is not None and m.x is not None:
                    by_mid.setdefault(m.mid, []).append(m.x)
            self._assessed = by_mid
        return self._assessed

    def assessed_distinct(self, mid: str) -> list[Rows]:
        """The distinct row sets (by object) of ``assessed(mid)``, first occurrences in order:
        what ``any``/``all`` over the assessed rows need, whatever the repeats."""
        found = self._distinct.get(mid)
        if found is None:
            unique = {id(rows): rows for rows in self._by_mid().get(mid, ())}
            found = self._distinct[mid] = list(unique.values())
        return found
