"""``grader review DIR``: what in a graded folder needs a person, as a table (rich on a
terminal, plain columns otherwise)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from ..errors import ConfigError
from ..pipeline.review import ReviewRow, review_rows
from ..report.labels import format_number, labels_for


def _override_cell(row: ReviewRow, words: Mapping[str, str], lang: str) -> str:
    if row.override is None or row.override.override is None:
        return ""
    held = row.override.override
    text = words["review_held"].format(
        points=format_number(row.override.points, lang), machine=format_number(held.machine_points, lang)
    )
    decision = held.decision
    who = ", ".join(x for x in (decision.author, decision.at) if x)
    if who:
        text += f" [{who}]"
    if decision.comment:
        text += f" {decision.comment}"
    return text + (f" ({words['review_earlier']})" if decision.earlier_version else "")


def table_rows(rows: list[ReviewRow], lang: str) -> list[list[str]]:
    """The header and one line of cells per row, in ``lang``."""
    words = labels_for(lang)
    header = ["student", "review_report", "rubric", "item", "points", "review_override", "review_why"]
    lines = [[words[key] for key in header]]
    for row in rows:
        points = (
            ""
            if row.points is None
            else f"{format_number(row.points, lang)}/{format_number(row.max_points or 0, lang)}"
        )
        item = row.item or words["review_whole"]
        lines.append([row.student, row.stem, row.rubric, item, points, _override_cell(row, words, lang), row.why])
    return lines


def _plain(lines: list[list[str]]) -> str:
    widths = [max(len(line[c]) for line in lines) for c in range(len(lines[0]) - 1)]
    return "\n".join("  ".join([*(c.ljust(w) for c, w in zip(line, widths, strict=False)), line[-1]]) for line in lines)


def main(*, directory: str, rubric: str | None = None, lang: str = "en", db: str | None = None) -> int:
    """Print what needs review; exit 0 (a folder that is not graded: exit 2)."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ConfigError(f"{directory}: no such folder")
    rows = review_rows(folder, rubric, lang, db=db)
    if not rows:
        print(labels_for(lang)["review_nothing"])
        return 0
    lines = table_rows(rows, lang)
    if not sys.stdout.isatty():
        print(_plain(lines))
        return 0
    table = Table(box=box.SIMPLE_HEAD, expand=True)
    for column, heading in enumerate(lines[0]):
        # the rubric, item id and points are what the instructor types next: never broken
        whole = column in (2, 3, 4)
        table.add_column(heading, overflow="fold", no_wrap=whole, ratio=None if whole else 2 if column == 6 else 1)
    for line in lines[1:]:
        table.add_row(*line)
    Console(highlight=False).print(table)
    return 0
