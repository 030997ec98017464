"""Environment gaps across a class: which packages and APIs the grading environment lacked,
and how many notebooks each one affected (the class page's list and ``grade``'s closing note)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..i18n import render
from ..models.results import Message, Result


@dataclass(frozen=True)
class GapRow:
    """One package or API missing from the grading environment, across the class."""

    kind: str
    kind_text: str
    name: str
    fix: str
    """The package to install, or what to write instead and since which release."""
    notebooks: int
    """How many submissions hit it."""


def gap_rows(results: Sequence[Result], words: Mapping[str, str]) -> list[GapRow]:
    """One row per package or API, the most widespread first."""
    found: dict[tuple[str, str], tuple[str, set[str]]] = {}
    for result in results:
        for gap in result.environment_gaps:
            if gap.kind == "missing_package":
                fix = f"pip install {gap.package or gap.name}"
            elif gap.kind == "removed_api":
                fix = " · ".join(t for t in (gap.instead, gap.removed_in and f"({gap.removed_in})") if t)
            else:
                fix = "—"
            key = (gap.kind, gap.name)
            found.setdefault(key, (fix, set()))[1].add(result.submission)
    rows = [
        GapRow(kind, words.get(f"gap_{kind}", kind), name, fix, len(submissions))
        for (kind, name), (fix, submissions) in found.items()
    ]
    return sorted(rows, key=lambda r: (-r.notebooks, r.kind, r.name))


def gap_note(results: Sequence[Result], lang: str = "en") -> str | None:
    """``3 submission(s) need review: the grading environment lacks imblearn (2), xgboost (1).``;
    None when no submission hit a gap."""
    affected = [r for r in results if r.environment_gaps]
    if not affected:
        return None
    rows = gap_rows(affected, {})
    listed = ", ".join(f"{row.name} ({row.notebooks})" for row in rows)
    return render(Message("environment.grade_note", {"count": len(affected), "gaps": listed}), lang)
