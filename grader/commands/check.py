"""``grader check NOTEBOOK --rubric NAME``: a student checks their own notebook."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import GraderBug, SubmissionError
from ..export.gradescope import gradescope_results
from ..export.results_file import result_to_json
from ..fileio import SHARED, write_json_atomic, write_text_atomic
from ..intake import open_submissions
from ..pipeline import (
    GradeSettings,
    cache_from,
    data_dir_from,
    environment_for,
    grade_submission,
    rubric_from,
    sandbox_choice,
)
from .env import show_progress, warn


def main(
    *,
    notebook: str,
    rubric: str,
    data_dir: str | None = None,
    lang: str = "en",
    json_out: str | None = None,
    html_out: str | None = None,
    gradescope_out: str | None = None,
    cache_dir: str | None = None,
    no_cache: bool = False,
    cache_max_size: str | None = None,
    require_sandbox: bool = False,
    env: str | None = None,
) -> int:
    """Grade one notebook and print a summary; the exit code says whether all required items passed."""
    from rich.console import Console

    from ..report import print_summary, render_submission_html

    loaded = rubric_from(rubric)
    if not Path(notebook).is_file():
        raise SubmissionError(f"{notebook}: no such notebook")
    with open_submissions(Path(notebook), warn) as found:  # a zip: its first notebook, unpacked meanwhile
        submission = found[0]
        if submission.problem:
            raise SubmissionError(f"{notebook}: {submission.problem}")
        sandboxed, warning = sandbox_choice(required=require_sandbox, allowed=True)
        if warning:
            print(f"grader: {warning}", file=sys.stderr)
        settings = GradeSettings(
            loaded,
            data_dir=data_dir_from(data_dir),
            sandboxed=sandboxed,
            cache=cache_from(cache_dir, no_cache, cache_max_size),
            environment=environment_for(loaded, env, show_progress, warn),
        )
        graded = grade_submission(submission, settings)
    print_summary(graded.result, Console(), lang=lang, student_view=True)
    if json_out:
        write_json_atomic(Path(json_out), result_to_json(graded.result, lang), indent=1, mode=SHARED)
    if gradescope_out:
        write_json_atomic(Path(gradescope_out), gradescope_results(graded.result, lang), indent=1, mode=SHARED)
    if html_out:
        write_text_atomic(
            Path(html_out),
            render_submission_html(graded.result, graded.evidence, lang=lang, student_view=True),
            mode=SHARED,
        )
    if graded.result.status == "error":  # not the notebook's fault: exit 3, like every grader failure
        raise GraderBug(f"{notebook}: {graded.result.reason}")
    return 0 if graded.result.all_required_passed else 1
