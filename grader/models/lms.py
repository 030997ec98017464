"""How LMS downloads name a student's files: patterns shared by intake (who handed it in) and
export (the identifier the LMS matches on import)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

MOODLE_FOLDER = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_[a-z]+_?$")
"""Moodle's "download all submissions" folder: ``Full Name_<participant id>_assignsubmission_file_``."""
MOODLE_FILE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_[a-z]+_(?P<file>.+)$")
"""The same download without folders: each file prefixed ``Full Name_<participant id>_assignsubmission_file_``."""


@dataclass(frozen=True)
class MoodleParticipant:
    """A submission's place in a Moodle assignment: the participant id of the assignment (not
    the user id, not the "ID number" profile field) and the full name the download showed."""

    participant_id: int
    full_name: str


def moodle_participant(submission: str) -> MoodleParticipant | None:
    """The participant named by a Moodle download path (folder, or file prefix), the innermost
    folder first; None when the path is not from a Moodle download."""
    path = PurePath(submission.replace("\\", "/"))
    for part in reversed(path.parts[:-1]):
        match = MOODLE_FOLDER.match(part)
        if match:
            return MoodleParticipant(int(match.group("id")), match.group("name"))
    match = MOODLE_FILE.match(path.name)
    if match:
        return MoodleParticipant(int(match.group("id")), match.group("name"))
    return None


CANVAS_FILE = re.compile(r"^(?P<login>[a-z0-9]+)_(?P<late>LATE_)?(?P<id>\d+)_(?P<sub>\d+)_(?P<file>.+)$", re.IGNORECASE)
"""Canvas's submissions download: ``<name>_<user id>_<attachment id>_<file>``, with ``LATE`` after
the name when Canvas holds the submission late (``ContentZipper#get_filename`` in canvas-lms:
``[users_name, submission.late? ? "LATE" : nil, id].compact.join("_")``).  The name carries no
time, and the zip's entry times are when the zip was made, not when the work was handed in."""


def canvas_marked_late(file_name: str) -> bool:
    """Whether a Canvas download's file name carries Canvas's ``LATE`` marker."""
    match = CANVAS_FILE.match(file_name)
    return bool(match and match.group("late"))


def canvas_user_id(submission: str) -> int | None:
    """The Canvas user id in a Canvas download's file name; None for any other name."""
    match = CANVAS_FILE.match(PurePath(submission.replace("\\", "/")).name)
    return int(match.group("id")) if match else None
