"""``grader export DIR --format FMT``: results for an LMS."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import ConfigError


def _warn(line: str) -> None:
    """What the export could not do (a row left out), one line on stderr."""
    print(f"warning: {line}", file=sys.stderr, flush=True)


def main(*, directory: str, fmt: str, lang: str | None = None, assignment_id: int | None = None) -> int:
    """Write the export and print where it went."""
    from ..export import export_results

    folder = Path(directory)
    if not (folder / "results.jsonl").exists():
        raise ConfigError(f"{directory}: no results.jsonl here (run 'grader grade ... --out {directory}' first)")
    for written in export_results(folder, fmt, lang, assignment_id=assignment_id, warn=_warn):
        print(written)
    return 0
