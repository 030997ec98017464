"""One self-contained HTML page per submission: the score, the items, the evidence behind them.

Self-contained means one file a student can open offline or receive by e-mail: inline CSS,
images as ``data:`` URIs, no scripts, and a Content-Security-Policy that forbids the rest.
"""

from __future__ import annotations

from ..i18n import late_text, render, rubric_title_text
from ..models.evidence import Evidence
from ..models.results import Message, Result
from .evidence_view import build_evidence_view
from .labels import format_number, format_percent, labels_for
from .templating import render_template
from .view import (
    cell_problems,
    cells_not_run,
    gap_texts,
    notes_for,
    score_fraction,
    shown_items,
    shown_totals,
    status_text,
    student_name,
)


def render_submission_html(
    result: Result,
    evidence: Evidence | None,
    *,
    lang: str = "en",
    student_view: bool = False,
) -> str:
    """The report page for one submission, as a complete HTML document.

    ``student_view`` leaves out hidden items and their points (the instructor sees them,
    marked); ``evidence`` may be None (invalid submission) or partial (the kernel died).
    """
    words = labels_for(lang)
    score, maximum = shown_totals(result, student_view)
    fraction = score_fraction(score, maximum)
    return render_template(
        "submission.html.j2",
        lang=lang if lang in ("en", "id") else "en",
        w=words,
        result=result,
        student=student_name(result, words),
        rubric_title=rubric_title_text(result, lang),
        status=status_text(result.status, words),
        duration=format_number(result.duration_s, lang, 1),
        score=format_number(score, lang),
        max_score=format_number(maximum, lang),
        percent=format_percent(fraction, lang),
        bar_width=f"{100 * fraction:.1f}",
        late=late_text(result.late, lang),
        items=shown_items(result, student_view, lang),
        points=lambda value: format_number(value, lang),
        problems=cell_problems(result, evidence),
        not_run=cells_not_run(result, evidence),
        partial=evidence is not None and result.status in ("timeout", "kernel_died"),
        ev=build_evidence_view(evidence, words, lang),
        notes=notes_for(result, evidence, lang),
        gaps=gap_texts(result, lang),
        environment=environment_text(result, lang),
    )


def environment_text(result: Result, lang: str) -> str | None:
    """The footer line naming the environment that graded the notebook, with its main versions."""
    env = result.environment
    if env is None:
        return None
    packages = ", ".join(f"{k} {v}" for k, v in (env.packages or {}).items())
    if env.spec_hash is None:
        return render(Message("label.environment_own", {"packages": packages}), lang)
    return render(
        Message("label.environment", {"name": env.name, "spec_hash": env.spec_hash, "packages": packages}), lang
    )
