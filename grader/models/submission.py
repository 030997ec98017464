"""A submission as the grader received it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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
    source: Path | None = None
    """The file whose bytes are graded when ``path`` is a link to a notebook inside the same
    submission (None: ``path`` itself, a regular file)."""
    left_out: tuple[tuple[str, str], ...] = ()
    """Files beside the notebook that were not handed to the run, each (name, why): ``link``,
    ``special`` (a device, FIFO or socket) or ``hard_link``."""
    submitted_at: datetime | None = None
    """When the LMS says it was handed in (an aware UTC time), where the download tells: Gradescope's
    ``submission_metadata.json`` ``created_at``.  None otherwise: the file's time is then used only
    to order a student's submissions, never to judge lateness."""
    marked_late: bool = False
    """The LMS's download marks it late without saying when it was handed in (Canvas's ``LATE``)."""

    @property
    def content(self) -> Path:
        """The regular file holding the notebook's bytes."""
        return self.source or self.path
