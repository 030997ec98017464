"""One page for a whole class: who passed what, how each item went, how scores spread."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import PureWindowsPath
from urllib.parse import quote

from ..i18n import title_text
from ..models.results import Result
from .environment import gap_rows
from .figures import png_data_uri, score_histogram_png
from .labels import format_number, format_percent, labels_for
from .templating import render_template
from .view import score_fraction, status_text, student_name


@dataclass(frozen=True)
class ItemColumn:
    """One rubric item across the class."""

    id: str
    title: str
    passed: int
    graded: int
    pass_rate: str


@dataclass(frozen=True)
class StudentRow:
    """One submission's line in the class table."""

    student: str
    submission: str
    link: str | None
    score: str
    max_score: str
    percent: str
    status: str
    status_code: str
    reason: str
    marks: tuple[str | None, ...]
    """"pass", "fail", "review" (needs review) or None (item absent) per item column."""


@dataclass(frozen=True)
class ScoreStats:
    """Summary of the class's scores."""

    mean: str
    median: str
    minimum: str
    maximum: str


def relative_link(file_name: str) -> str:
    """``file_name`` as an href to a file beside the class page.

    Every character but "/" is percent-encoded, so a name with a colon ("hw:1.html") stays
    a file name and can never become a scheme ("javascript:", "https:").
    """
    if file_name.startswith(("/", "\\")) or PureWindowsPath(file_name).drive:
        raise ValueError(f"a report link must be a relative file name, not {file_name!r}")
    return quote(file_name, safe="/")


def _item_columns(results: Sequence[Result], lang: str) -> list[ItemColumn]:
    order: dict[str, str] = {}
    for result in results:
        for item in result.items:
            order.setdefault(item.id, title_text(item, lang))
    columns = []
    for item_id, title in order.items():
        verdicts = [i.passed for r in results for i in r.items if i.id == item_id]
        passed = sum(verdicts)
        rate = format_percent(passed / len(verdicts), lang) if verdicts else "—"
        columns.append(ItemColumn(item_id, title, passed, len(verdicts), rate))
    return columns


def _row(
    result: Result, columns: Sequence[ItemColumn], links: Mapping[str, str], words: Mapping[str, str], lang: str
) -> StudentRow:
    # an item the grading environment kept from being judged is marked for review, not as a fail
    verdicts = {i.id: ("pass" if i.passed else "review" if i.needs_review else "fail") for i in result.items}
    link = links.get(result.submission)
    return StudentRow(
        student=student_name(result, words),
        submission=result.submission,
        link=relative_link(link) if link else None,
        score=format_number(result.score, lang),
        max_score=format_number(result.max_score, lang),
        percent=format_percent(score_fraction(result.score, result.max_score), lang),
        status=status_text(result.status, words),
        status_code=result.status,
        reason=result.reason or "",
        marks=tuple(verdicts.get(c.id) for c in columns),
    )


def _stats(results: Sequence[Result], lang: str) -> ScoreStats | None:
    if not results:
        return None
    # Scores out of different maxima (mixed rubrics) only compare as percentages.
    show: Callable[[float], str]
    if len({r.max_score for r in results}) == 1:
        values = [r.score for r in results]
        show = partial(format_number, lang=lang)
    else:
        values = [score_fraction(r.score, r.max_score) for r in results]
        show = partial(format_percent, lang=lang)
    return ScoreStats(
        mean=show(statistics.fmean(values)),
        median=show(statistics.median(values)),
        minimum=show(min(values)),
        maximum=show(max(values)),
    )


def _sort_key(result: Result) -> tuple[bool, str, str]:
    return (result.student is None, (result.student or "").casefold(), result.submission)


def render_class_html(
    results: Sequence[Result], *, lang: str = "en", links: Mapping[str, str] | None = None, title: str | None = None
) -> str:
    """The class page as a complete HTML document.

    ``links`` maps a result's ``submission`` to the relative file name of its own report;
    students without an entry are listed without a link.
    """
    words = labels_for(lang)
    ordered = sorted(results, key=_sort_key)
    columns = _item_columns(ordered, lang)
    rows = [_row(r, columns, links or {}, words, lang) for r in ordered]
    percentages = [100.0 * score_fraction(r.score, r.max_score) for r in ordered]
    histogram = score_histogram_png(percentages, words)
    rubrics = sorted({r.rubric for r in ordered})
    return render_template(
        "class.html.j2",
        lang=lang if lang in ("en", "id") else "en",
        w=words,
        title=title or ", ".join(rubrics),
        rows=rows,
        columns=columns,
        stats=_stats(ordered, lang),
        histogram=png_data_uri(histogram) if histogram else None,
        count=len(rows),
        gaps=gap_rows(ordered, words),
    )
