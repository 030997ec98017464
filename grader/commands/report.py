"""``grader report DIR [--lang en|id]``: render a graded folder's reports again, in any language,
without executing anything."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from ..pipeline import CLASS_PAGE, STUDENT_REPORT, render_again


def main(*, directory: str, lang: str = "en", student_view: bool = False) -> int:
    """Rewrite every report, ``results.jsonl`` and the class page in ``lang``; print where.
    With ``student_view`` each student's own report (``<stem>.student.html``) is written too."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ConfigError(f"{directory}: no such folder")
    count, with_evidence = render_again(folder, lang, student_view=student_view)
    print(f"{count} reports rendered in '{lang}' ({with_evidence} with the run's evidence): {folder / CLASS_PAGE}")
    if student_view:
        print(f"student reports (hidden items left out): {folder}/*{STUDENT_REPORT}")
    return 0
