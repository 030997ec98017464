"""``grader rubric validate PATH``."""

from __future__ import annotations

from pathlib import Path

from ..checks import param_models
from ..errors import RubricError
from ..rubric.loader import load_rubric


def main(*, path: str) -> int:
    """Validate a rubric file; print a one-line summary."""
    if not Path(path).is_file():
        raise RubricError(f"{path}: no such rubric file")
    rubric = load_rubric(path, param_models())
    print(f"{path}: valid rubric {rubric.name!r}: {len(rubric.items)} items, {rubric.max_score:g} points")
    return 0
