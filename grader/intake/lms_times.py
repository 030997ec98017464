"""When the LMS says a submission was handed in - only where its download genuinely says so.

* Gradescope: ``submission_metadata.json`` beside the submission folder (the autograder's
  ``/autograder/submission_metadata.json``, beside ``/autograder/submission/``), never one a
  student could have put in their own folder.  Its ``created_at`` is the submission time, ISO 8601 with
  an offset (``"2018-07-01T14:22:32.365935-07:00"``), and ``assignment.due_date`` /
  ``late_due_date`` are the assignment's (gradescope-autograders.readthedocs.io, "Submission
  Metadata").
* Canvas: the file name says only whether Canvas holds it late (``LATE`` after the name, see
  :func:`grader.models.lms.canvas_marked_late`); the zip's entry times are the time the zip was
  made (canvas-lms ``ContentZipper`` writes each entry with ``get_output_stream``, which stamps
  the current time), so they are never taken as a submission time.
* Moodle: neither the folder names nor the zip's entry times carry the submission time (entries
  are stamped with the stored file's or the zipping time, in the server's local time without a
  zone), so none is set.

A time without an offset is refused (None): a guessed time zone would move a deadline by hours.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

GRADESCOPE_METADATA = "submission_metadata.json"
GRADESCOPE_SUBMISSION = "submission"
"""The autograder's submission folder; its metadata file lies beside it."""
MAX_METADATA_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class LmsTimes:
    """What Gradescope's metadata says of one submission (aware UTC times, None where absent)."""

    submitted_at: datetime | None
    due: datetime | None = None
    late_due: datetime | None = None


def aware_utc(text: object) -> datetime | None:
    """An ISO 8601 time with an offset, in UTC; None when absent, unreadable or without a zone."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return None if when.tzinfo is None else when.astimezone(UTC)


def read_gradescope_metadata(path: Path) -> LmsTimes | None:
    """The times in one ``submission_metadata.json``; None when it is not readable as one."""
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_METADATA_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    found = data.get("assignment")
    assignment: dict[str, object] = found if isinstance(found, dict) else {}
    return LmsTimes(
        submitted_at=aware_utc(data.get("created_at")),
        due=aware_utc(assignment.get("due_date")),
        late_due=aware_utc(assignment.get("late_due_date")),
    )


def gradescope_metadata_file(notebook: Path, root: Path) -> Path | None:
    """The ``submission_metadata.json`` beside the Gradescope ``submission`` folder holding
    ``notebook``, where that folder is ``root`` or lies directly in it.

    Never a file inside a student's own folder: a student could write one there, with any time."""
    for folder in (notebook.parent, *notebook.parent.parents):
        if folder.name == GRADESCOPE_SUBMISSION:
            outside = folder.parent == root or root.is_relative_to(folder.parent)
            candidate = folder.parent / GRADESCOPE_METADATA
            return candidate if outside and candidate.is_file() else None
        if folder == root or not folder.is_relative_to(root):
            return None
    return None


def submitted_at(notebook: Path, root: Path) -> datetime | None:
    """When the LMS says the submission holding ``notebook`` was handed in; None when it does not say."""
    found = gradescope_metadata_file(notebook, root)
    times = None if found is None else read_gradescope_metadata(found)
    return None if times is None else times.submitted_at
