"""Moodle's offline grading worksheet (assignment → Download / Upload grading worksheet).

Moodle's importer (``assignfeedback_offline``) finds its columns by header name, matches each row
on ``Identifier`` = ``Participant <participant id>`` (the number Moodle puts in its download
folder names), reads ``Grade`` and ``Feedback comments``, and compares ``Last modified (grade)``
with the grade it holds so a newer grade is not overwritten.  The other columns are the ones
Moodle's own worksheet carries; the importer ignores them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from ..fileio import SHARED, write_text_atomic
from ..models.lms import moodle_participant
from ..models.results import Result
from .options import DEFAULT_OPTIONS, ExportOptions
from .spreadsheets import csv_text
from .summary import feedback_digest, number, spreadsheet_text

MOODLE_FILE = "moodle.csv"
MOODLE_COLUMNS = (
    "Identifier",
    "Full name",
    "Email address",
    "Status",
    "Grade",
    "Maximum Grade",
    "Grade can be changed",
    "Last modified (submission)",
    "Last modified (grade)",
    "Feedback comments",
)
PARTICIPANT = "Participant "  # Moodle's string 'hiddenuser' (English), followed by the id


def feedback_html(text: str) -> str:
    """Feedback comments are HTML in Moodle: the text escaped, its lines kept as lines."""
    return "<br>".join(html.escape(line, quote=False) for line in text.splitlines())


def write_moodle_csv(results: Sequence[Result], results_dir: Path, options: ExportOptions = DEFAULT_OPTIONS) -> Path:
    """``moodle.csv``: one row per submission that came from a Moodle download.

    A submission whose path holds no Moodle participant id cannot be matched by Moodle: it is
    left out, with one warning naming it.
    """
    when = (options.graded_at or datetime.now(UTC)).isoformat(timespec="seconds")  # PHP strtotime reads it
    rows = [list(MOODLE_COLUMNS)]
    for result in results:
        participant = moodle_participant(result.submission)
        if participant is None:
            options.warn(
                f"{result.submission}: no Moodle participant id in its name "
                "(Name_<id>_assignsubmission_file_), left out of moodle.csv"
            )
            continue
        rows.append(
            [
                f"{PARTICIPANT}{participant.participant_id}",
                spreadsheet_text(participant.full_name),
                "",
                result.status,
                number(result.score),
                number(result.max_score),
                "Yes",
                # Moodle's own worksheet shows the submission's time here; its importer ignores it
                result.late.submitted_at if result.late and result.late.submitted_at else "-",
                when,
                spreadsheet_text(feedback_html(feedback_digest(result, options.lang))),
            ]
        )
    return write_text_atomic(results_dir / MOODLE_FILE, csv_text(rows), mode=SHARED)
