"""Legacy copy of ``grader/checks/rows.py`` at 9f9e599 (see ``tests/checks/legacy``)."""

from __future__ import annotations

from grader.models.evidence import Evidence, Rows


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
