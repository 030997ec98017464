"""``grader override DIR STUDENT ITEM --points P``: an instructor's decision on one item, kept in
the gradebook across regrades and shown at once in that submission's reports and the class page."""

from __future__ import annotations

import getpass
from pathlib import Path

from ..errors import ConfigError
from ..pipeline.review import override_item
from ..report.labels import format_number


def _who() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return None


def main(
    *,
    directory: str,
    student: str,
    item: str,
    points: float | None = None,
    comment: str | None = None,
    author: str | None = None,
    rubric: str | None = None,
    remove: bool = False,
    db: str | None = None,
) -> int:
    """Record (or with ``remove`` withdraw) the override; print what the item now stands at."""
    if remove == (points is not None):
        raise ConfigError("give --points P to override the item, or --remove to withdraw its override")
    folder = Path(directory)
    if not folder.is_dir():
        raise ConfigError(f"{directory}: no such folder")
    report, now = override_item(
        folder, student, item, points, comment=comment, author=author or _who(), rubric=rubric, db=db
    )
    result = report.result
    stands = f"{format_number(now.points, 'en')}/{format_number(now.max_points, 'en')}"
    what = "override withdrawn" if remove else f"overridden (the checks gave {format_number(now.machine_points, 'en')})"
    total = f"{format_number(result.score, 'en')}/{format_number(result.max_score, 'en')}"
    print(f"{report.stem} ({result.rubric}) {item}: {stands}, {what}; total {total}")
    print(f"updated: {folder / report.stem}.json, its reports, results.jsonl and {folder / 'index.html'}")
    return 0
