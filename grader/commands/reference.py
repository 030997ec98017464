"""``grader reference verify [NAME...]``: every reference notebook must score 100 % on its rubric."""

from __future__ import annotations

import sys

from ..errors import ConfigError
from ..intake import collect_submissions
from ..pipeline import grade_submission
from ..rubric.locate import bundled_dir, rubric_names
from .setup import cache_from, data_dir_from, rubric_from, sandbox_choice, settings_for


def main(
    *,
    names: list[str],
    data_dir: str | None = None,
    lang: str = "en",
    cache_dir: str | None = None,
    no_cache: bool = False,
    no_sandbox: bool = False,
) -> int:
    """Grade the references; print one line each; exit 0 only when all score full marks."""
    chosen = names or rubric_names()
    sandboxed, warning = sandbox_choice(required=False, allowed=not no_sandbox)
    if warning:
        print(f"grader: {warning}", file=sys.stderr)
    failures = 0
    for name in chosen:
        rubric, folder = rubric_from(name)
        if not rubric.reference:
            raise ConfigError(f"rubric {name!r} names no reference notebook")
        notebook = bundled_dir("reference") / rubric.reference
        if not notebook.is_file():
            raise ConfigError(f"rubric {name!r}: reference {rubric.reference} not found")
        settings = settings_for(
            rubric,
            folder,
            data_dir=data_dir_from(data_dir),
            lang=lang,
            cache=cache_from(cache_dir, no_cache),
            sandboxed=sandboxed,
        )
        result = grade_submission(collect_submissions(notebook)[0], settings).result
        full = result.status == "graded" and result.score == result.max_score
        failures += 0 if full else 1
        failed = ", ".join(i.id for i in result.items if not i.passed)
        print(
            f"{'ok  ' if full else 'FAIL'} {name:<24} {round(result.score, 1):g}/{result.max_score:g} "
            f"{result.status} {result.duration_s:.0f} s" + (f"  failed: {failed}" if failed else "")
        )
    return 0 if failures == 0 else 1
