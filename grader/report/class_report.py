"""The class dashboard: one section per assignment (rubric) with who passed what, how each item
went, how scores spread and who needs review; a table that sorts and filters in the page.

Self-contained like a submission page: inline CSS, an inline SVG histogram and one inline
script allowed by its hash in the Content-Security-Policy; nothing is fetched.
"""

from __future__ import annotations

import base64
import hashlib
import re
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import PureWindowsPath
from urllib.parse import quote

from ..i18n import late_text, rubric_title_text, title_text
from ..models.lms import moodle_participant
from ..models.results import Result
from .environment import gap_rows
from .histogram import Histogram, score_histogram
from .labels import format_number, format_percent, labels_for
from .templating import TEMPLATES, render_template
from .view import score_fraction, status_text, student_name, submission_name

SCRIPT = TEMPLATES / "class.js"
MARK_ORDER = {"pass": 3, "review": 2, "fail": 1, None: 0}
"""Sorting an item column puts passes first (descending), then reviews, fails, absent items."""
MARK_SIGN = {"pass": "✓", "fail": "✗", "review": "?", None: "—"}


@dataclass(frozen=True)
class ItemColumn:
    """One rubric item across the section's students."""

    id: str
    short: str
    """The id without the rubric's common prefix ("split" for "hcv.split"): the column heading."""
    title: str
    passed: int
    graded: int
    review: int
    pass_rate: str
    rate: float
    """Pass rate 0..100, for the bar."""


@dataclass(frozen=True)
class StudentRow:
    """One submission's line in its section's table."""

    student: str
    student_id: str
    """The LMS id when it differs from the name shown ("" otherwise)."""
    submission: str
    link: str | None
    student_link: str | None
    score: str
    max_score: str
    percent: str
    percent_value: float
    late: str
    """The late penalty's line ("Submitted 26 h late: -20% ..."), "" when on time or no due time."""
    status: str
    status_code: str
    reason: str
    review: int
    """Items that need an instructor's look."""
    failing: bool
    """Graded, but a required item failed."""
    marks: tuple[str | None, ...]
    """"pass", "fail", "review" (needs review) or None (item absent) per item column."""
    search: str
    """What the text filter matches: name, id and file, lower-cased."""
    overridden: tuple[bool, ...] = ()
    """Per item column: the instructor set its points (``grader override``)."""

    @property
    def mark_cells(self) -> tuple[tuple[str | None, str, int, bool], ...]:
        """(mark, sign, sort value, overridden) per item column."""
        changed = self.overridden or (False,) * len(self.marks)
        return tuple((m, MARK_SIGN[m], MARK_ORDER[m], o) for m, o in zip(self.marks, changed, strict=True))


@dataclass(frozen=True)
class ScoreStats:
    """Summary of a section's scores."""

    mean: str
    median: str
    minimum: str
    maximum: str


@dataclass(frozen=True)
class StatusCount:
    """How many submissions ended with one status."""

    code: str
    text: str
    count: int


@dataclass(frozen=True)
class RubricSection:
    """One assignment: its summary, histogram, items and students."""

    anchor: str
    rubric: str
    title: str
    count: int
    review: int
    """Students with at least one item that needs review."""
    failing: int
    stats: ScoreStats | None
    mean_percent: str
    """The mean as a share of the maximum, to compare assignments in the overview."""
    statuses: tuple[StatusCount, ...]
    histogram: Histogram | None
    columns: tuple[ItemColumn, ...]
    rows: tuple[StudentRow, ...]
    shown: str
    """"150 of 150 shown", the script's template filled in for a page without script."""


def relative_link(file_name: str) -> str:
    """``file_name`` as an href to a file beside the class page.

    Every character but "/" is percent-encoded, so a name with a colon ("hw:1.html") stays
    a file name and can never become a scheme ("javascript:", "https:").
    """
    if file_name.startswith(("/", "\\")) or PureWindowsPath(file_name).drive:
        raise ValueError(f"a report link must be a relative file name, not {file_name!r}")
    return quote(file_name, safe="/")


def _short_ids(ids: Sequence[str]) -> dict[str, str]:
    prefixes = {i.split(".", 1)[0] for i in ids if "." in i}
    if len(prefixes) == 1 and all("." in i for i in ids):
        return {i: i.split(".", 1)[1] for i in ids}
    return {i: i for i in ids}


def _item_columns(results: Sequence[Result], lang: str) -> list[ItemColumn]:
    order: dict[str, str] = {}
    for result in results:
        for item in result.items:
            order.setdefault(item.id, title_text(item, lang))
    short = _short_ids(list(order))
    columns = []
    for item_id, title in order.items():
        found = [i for r in results for i in r.items if i.id == item_id]
        passed = sum(i.passed for i in found)
        fraction = passed / len(found) if found else 0.0
        rate = format_percent(fraction, lang) if found else "—"
        review = sum(i.needs_review for i in found)
        columns.append(ItemColumn(item_id, short[item_id], title, passed, len(found), review, rate, 100 * fraction))
    return columns


def _mark(passed: bool, needs_review: bool) -> str:
    # an item the grading environment kept from being judged is marked for review, not as a fail
    return "pass" if passed else "review" if needs_review else "fail"


def _row(
    result: Result,
    name: str,
    columns: Sequence[ItemColumn],
    links: Mapping[str, str],
    student_links: Mapping[str, str],
    words: Mapping[str, str],
    lang: str,
) -> StudentRow:
    verdicts = {i.id: _mark(i.passed, i.needs_review) for i in result.items}
    changed = {i.id for i in result.items if i.override is not None}
    link, student_link = links.get(result.submission), student_links.get(result.submission)
    fraction = score_fraction(result.score, result.max_score)
    student_id = result.student if result.student and result.student != name else ""
    participant = moodle_participant(result.submission)
    if participant is not None and not student_id:
        student_id = str(participant.participant_id)
    return StudentRow(
        student=name,
        student_id=student_id,
        submission=result.submission,
        link=relative_link(link) if link else None,
        student_link=relative_link(student_link) if student_link else None,
        score=format_number(result.score, lang),
        max_score=format_number(result.max_score, lang),
        percent=format_percent(fraction, lang),
        percent_value=round(100 * fraction, 3),
        late=late_text(result.late, lang),
        status=status_text(result.status, words),
        status_code=result.status,
        reason=result.reason or "",
        review=sum(i.needs_review for i in result.items) + bool(result.late and result.late.needs_review),
        failing=result.status == "graded" and not result.all_required_passed,
        marks=tuple(verdicts.get(c.id) for c in columns),
        overridden=tuple(c.id in changed for c in columns),
        search=" ".join((name, student_id, result.submission)).lower(),  # as the script lower-cases
    )


def _names(results: Sequence[Result], words: Mapping[str, str]) -> list[str]:
    """Each result's name; a file name shared by several (``hw.ipynb`` in a folder per student)
    takes as many of its folders as it needs to be told apart."""
    names = [student_name(r, words) for r in results]
    for folders in range(1, 4):
        repeated = {n for n, c in Counter(names).items() if c > 1}
        if not repeated:
            break
        names = [
            submission_name(r.submission, folders) if n in repeated and _named_by_file(r) else n
            for r, n in zip(results, names, strict=True)
        ]
    return names


def _named_by_file(result: Result) -> bool:
    return not result.student and moodle_participant(result.submission) is None


def _stats(results: Sequence[Result], lang: str) -> ScoreStats | None:
    if not results:
        return None
    # Scores out of different maxima only compare as percentages.
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


def _sort_key(pair: tuple[Result, str]) -> tuple[str, str]:
    result, name = pair
    return (name.casefold(), result.submission)


def _anchor(rubric: str, taken: set[str]) -> str:
    base = "rubric-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", rubric).strip("-") or "x")
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = f"{base}-{n}"
    taken.add(anchor)
    return anchor


def _section(
    rubric: str,
    results: Sequence[Result],
    anchor: str,
    links: Mapping[str, str],
    student_links: Mapping[str, str],
    lang: str,
) -> RubricSection:
    words = labels_for(lang)
    ordered = sorted(zip(results, _names(results, words), strict=True), key=_sort_key)
    in_order = [r for r, _ in ordered]
    columns = _item_columns(in_order, lang)
    rows = tuple(_row(r, name, columns, links, student_links, words, lang) for r, name in ordered)
    statuses = Counter(r.status for r in in_order)
    return RubricSection(
        anchor=anchor,
        rubric=rubric,
        title=rubric_title_text(in_order[0], lang),
        count=len(rows),
        review=sum(row.review > 0 for row in rows),
        failing=sum(row.failing for row in rows),
        stats=_stats(in_order, lang),
        mean_percent=format_percent(statistics.fmean(r.percent_value for r in rows) / 100, lang),
        statuses=tuple(StatusCount(code, status_text(code, words), n) for code, n in sorted(statuses.items())),
        histogram=score_histogram([row.percent_value for row in rows], words),
        columns=tuple(columns),
        rows=rows,
        shown=words["rows_shown"].format(shown=len(rows), total=len(rows)),
    )


@lru_cache(maxsize=1)
def _script() -> tuple[str, str]:
    """The page's script and its CSP source ('sha256-...'): only this exact script may run."""
    text = SCRIPT.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return text, f"'sha256-{digest}'"


def render_class_html(
    results: Sequence[Result],
    *,
    lang: str = "en",
    links: Mapping[str, str] | None = None,
    title: str | None = None,
    student_links: Mapping[str, str] | None = None,
) -> str:
    """The class dashboard as a complete HTML document.

    ``links`` maps a result's ``submission`` to the relative file name of its own report, and
    ``student_links`` to its student-facing report; students without an entry are listed
    without that link.
    """
    words = labels_for(lang)
    by_rubric: dict[str, list[Result]] = {}
    for result in results:
        by_rubric.setdefault(result.rubric, []).append(result)
    taken: set[str] = set()
    sections = [
        _section(rubric, group, _anchor(rubric, taken), links or {}, student_links or {}, lang)
        for rubric, group in sorted(by_rubric.items())
    ]
    script, script_source = _script()
    return render_template(
        "class.html.j2",
        lang=lang if lang in ("en", "id") else "en",
        w=words,
        title=title or ", ".join(s.title for s in sections),
        sections=sections,
        count=len(results),
        review=sum(s.review for s in sections),
        gaps=gap_rows(results, words),
        script=script,
        script_source=script_source,
    )
