"""The one-screen summary ``grader grade`` prints when a class is graded."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..pipeline.classrun import ClassRun


def summary_lines(run: ClassRun, page: Path) -> list[str]:
    """Counts by status, mean score per rubric, where the class page and gradebook are."""
    counted = [r for r, _ in run.counted()]
    fresh = len(run.results) - len(run.reused)
    lines = [f"graded {len(run.jobs)} submissions ({fresh} now, {len(run.reused)} unchanged and reused)"]
    statuses = Counter(r.status for r in counted)
    lines.append("  by status: " + ", ".join(f"{n} {status}" for status, n in statuses.most_common()))
    if run.superseded:
        lines.append(f"  superseded: {len(run.superseded)} (a later submission of the same student counts; kept)")
    dated = [r.late for r in counted if r.late is not None]
    if dated:
        penalised = sum(late.percent > 0 for late in dated)
        unknown = sum(late.minutes_late is None for late in dated)
        review = sum(late.needs_review for late in dated)
        lines.append(
            f"  due {dated[0].due}: {penalised} late with a penalty, {unknown} without an LMS time"
            + (f" ({review} marked late by the LMS: review them)" if review else "")
        )
    by_rubric: dict[str, list[tuple[float, float]]] = {}
    for result in counted:
        by_rubric.setdefault(result.rubric, []).append((result.score, result.max_score))
    for rubric, scores in sorted(by_rubric.items()):
        mean = sum(s for s, _ in scores) / len(scores)
        top = max(m for _, m in scores)
        lines.append(f"  {rubric}: mean {mean:.1f}/{top:g} over {len(scores)} submission{'s' * (len(scores) != 1)}")
    lines.append(f"  gradebook: {run.book.url}")
    lines.append(f"class page: {page}")
    return lines
