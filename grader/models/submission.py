"""A submission as the grader received it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Submission:
    """One notebook to grade, with the files handed in beside it."""

    path: Path
    """The notebook file (possibly extracted from an LMS zip into a temporary folder)."""
    display: str
    """The path as the user gave it (what the result JSON calls ``submission``)."""
    student: str | None = None
    """Student id from the LMS file name, when there is one."""
    siblings: tuple[Path, ...] = field(default_factory=tuple)
    """Other files of the same student's submission (data files, helper modules)."""
    problem: str | None = None
    """Why it cannot be graded (not a notebook...), found at intake."""
