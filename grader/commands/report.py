"""``grader report DIR [--lang en|id]``: render a graded folder's reports again, in any language,
without executing anything."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from ..pipeline import CLASS_PAGE, render_again


def main(*, directory: str, lang: str = "en") -> int:
    """Rewrite every report, ``results.jsonl`` and the class page in ``lang``; print where."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ConfigError(f"{directory}: no such folder")
    count, with_evidence = render_again(folder, lang)
    print(f"{count} reports rendered in '{lang}' ({with_evidence} with the run's evidence): {folder / CLASS_PAGE}")
    return 0
