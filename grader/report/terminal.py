"""A readable summary in the terminal for ``grader check``.

Everything the student or the notebook wrote goes in as ``rich.text.Text``, never as markup:
an error such as ``IndexError: [0, 1]`` must print as it is, not be read as a style tag.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..i18n import note_texts
from ..models.results import Result
from .labels import format_number, format_percent, labels_for
from .view import (
    ShownItem,
    cell_problems,
    cells_not_run,
    gap_texts,
    score_fraction,
    shown_items,
    shown_totals,
    status_text,
    student_name,
)


def _marks(console: Console) -> tuple[str, str]:
    # A console that cannot encode ✓/✗ (a legacy code page) still gets readable marks.
    encoding = (console.encoding or "").lower()
    return ("✓", "✗") if encoding.startswith("utf") else ("+", "x")


def _header(result: Result, words: Mapping[str, str], lang: str, student_view: bool) -> Text:
    score, maximum = shown_totals(result, student_view)
    text = Text()
    text.append(f"{student_name(result, words)} · {result.rubric}", style="bold")
    text.append(f"\n{words['submission']}: {result.submission}")
    graded = result.status == "graded"
    text.append(f"\n{words['status']}: ")
    text.append(status_text(result.status, words), style="green" if graded else "bold red")
    if result.reason:
        text.append(f"\n{result.reason}", style="red")
    text.append(f"\n{words['score']}: ")
    text.append(f"{format_number(score, lang)} / {format_number(maximum, lang)}", style="bold")
    text.append(f" ({format_percent(score_fraction(score, maximum), lang)})")
    return text


def _items_table(items: tuple[ShownItem, ...], words: Mapping[str, str], lang: str, marks: tuple[str, str]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
    table.add_column("", no_wrap=True, width=1)
    table.add_column(words["points"], justify="right", no_wrap=True)
    table.add_column(words["rubric_items"], ratio=1, overflow="fold")
    for item in items:
        mark = Text(marks[0], style="bold green") if item.passed else Text(marks[1], style="bold red")
        body = Text(item.title, style="bold")
        if item.visibility == "hidden":
            body.append(f" ({words['hidden']})", style="dim")
        if not item.required:
            body.append(f" ({words['optional']})", style="dim")
        if not item.judged:
            body.append(f" ({words['not_judged']})", style="yellow")
        if item.needs_review:
            body.append(f" ({words['needs_review']})", style="bold yellow")
        if item.overridden:
            body.append(f" ({words['overridden']})", style="bold cyan")
        if item.feedback:
            body.append("\n" + item.feedback)
        points = f"{format_number(item.points, lang)}/{format_number(item.max_points, lang)}"
        table.add_row(mark, points, body)
    return table


def print_summary(result: Result, console: Console, *, lang: str = "en", student_view: bool = True) -> None:
    """Print the score, status, one line per shown item and the failed cells to ``console``."""
    words = labels_for(lang)
    marks = _marks(console)
    console.print(_header(result, words, lang, student_view))
    items = shown_items(result, student_view, lang)
    if items:
        console.print()
        console.print(_items_table(items, words, lang, marks))
    problems = cell_problems(result, None)
    not_run = cells_not_run(result, None)
    if problems or not_run:
        console.print()
        console.print(Text(words["cells"], style="bold"))
        for problem in problems:
            line = Text(f"{marks[1]} ", style="red")
            line.append(words["cell_number"].format(index=problem.number) + ": ")
            line.append(problem.error or words[f"cell_{problem.status}"])
            console.print(line)
        if not_run:
            console.print(Text(words["cells_not_run"].format(count=not_run.count, first=not_run.first), style="red"))
    gaps = gap_texts(result, lang)
    if gaps:
        console.print()
        console.print(Text(words["environment_gaps"], style="bold yellow"))
        for gap in gaps:
            console.print(Text(f"- {gap}", style="yellow"))
    notes = note_texts(result, lang)
    if notes:
        console.print()
        console.print(Text(words["notes"], style="bold"))
        for note in notes:
            console.print(Text(f"- {note}"))
