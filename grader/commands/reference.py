"""``grader reference verify [NAME...]``: every reference notebook must score 100 % on its rubric."""

from __future__ import annotations

import sys

from ..errors import ConfigError
from ..intake import collect_submissions
from ..pipeline import GradeSettings, cache_from, data_dir_from, grade_submission, rubric_from, sandbox_choice
from ..rubric.locate import bundled_dir, rubric_names


def main(
    *,
    names: list[str],
    data_dir: str | None = None,
    lang: str = "en",
    cache_dir: str | None = None,
    no_cache: bool = False,
    cache_max_size: str | None = None,
    no_sandbox: bool = False,
) -> int:
    """Grade the references; print one line each; exit 0 only when all score full marks."""
    sandboxed, warning = sandbox_choice(required=False, allowed=not no_sandbox)
    if warning:
        print(f"grader: {warning}", file=sys.stderr)
    data, cache = data_dir_from(data_dir), cache_from(cache_dir, no_cache, cache_max_size)
    failures = 0
    for name in names or rubric_names():
        rubric = rubric_from(name)
        notebook = bundled_dir("reference") / (rubric.reference or "")
        if not rubric.reference or not notebook.is_file():
            raise ConfigError(f"rubric {name!r}: names no reference notebook, or its reference is not bundled")
        result = grade_submission(
            collect_submissions(notebook)[0], GradeSettings(rubric, data, sandboxed, cache)
        ).result
        full = result.status == "graded" and result.score == result.max_score
        failures += 0 if full else 1
        failed = ", ".join(i.id for i in result.items if not i.passed)
        print(
            f"{'ok  ' if full else 'FAIL'} {name:<24} {round(result.score, 1):g}/{result.max_score:g} "
            f"{result.status} {result.duration_s:.0f} s" + (f"  failed: {failed}" if failed else "")
        )
    return 0 if failures == 0 else 1
