"""What every exporter is told besides the results: language, LMS ids, a warning channel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


def _quiet(line: str) -> None:
    """Warnings dropped (a caller that passes no ``warn``)."""


@dataclass(frozen=True)
class ExportOptions:
    """Options of one export."""

    lang: str = "en"
    """Language of the text students read."""
    assignment_id: int | None = None
    """The LMS's id of the assignment (Canvas: the number in the gradebook column's header)."""
    graded_at: datetime | None = None
    """When the results were graded (Moodle's "Last modified (grade)"); None: now."""
    warn: Callable[[str], None] = field(default=_quiet)
    """One line for the instructor per thing the export could not do (a row left out...)."""


DEFAULT_OPTIONS = ExportOptions()
"""English text, no LMS ids, warnings dropped."""
