"""Submission times from Moodle's grading worksheet (assignment > Download grading worksheet).

Moodle's download of submissions carries no submission time (see :mod:`.lms_times`); its grading
worksheet does: each row's ``Identifier`` is ``Participant <participant id>`` (the number in the
download's folder names) and ``Last modified (submission)`` is the submission's ``timemodified``
(``mod/assign/gradingtable.php``, ``col_timesubmitted``: ``userdate($submission->timemodified)``),
written with Moodle's default date format, English: ``Monday, 30 November 2026, 9:12 AM``.
``userdate`` writes it in the *downloading user's* Moodle time zone and says nothing of it, so the
zone must be given (``--moodle-timezone``).  A row without a submission says ``-``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigError, SubmissionError
from ..models.lms import moodle_participant
from ..models.submission import Submission

IDENTIFIER, SUBMITTED = "Identifier", "Last modified (submission)"
MOODLE_DATE = "%A, %d %B %Y, %I:%M %p"
"""Moodle's ``strftimedaydatetime`` in its English language pack (what ``userdate`` uses by default)."""
_PARTICIPANT = re.compile(r"^Participant (?P<id>\d+)$")
MAX_WORKSHEET_BYTES = 50 * 1024 * 1024


def parse_zone(text: str) -> tzinfo:
    """``--moodle-timezone``: an IANA name (``Asia/Jakarta``) or an offset (``+07:00``)."""
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    try:
        zone = datetime.strptime(text.strip(), "%z").tzinfo
    except ValueError:
        zone = None
    if zone is None:
        raise ConfigError(f"--moodle-timezone {text!r}: not a time zone (e.g. Asia/Jakarta or +07:00)")
    return zone


def _when(text: str, zone: tzinfo) -> datetime | None:
    """A worksheet's time in UTC; None for ``-`` or a form this reader does not know."""
    text = text.strip()
    for parse in (datetime.fromisoformat, lambda t: datetime.strptime(t, MOODLE_DATE)):
        try:
            when = parse(text)
        except ValueError:
            continue
        return (when if when.tzinfo else when.replace(tzinfo=zone)).astimezone(UTC)
    return None


def read_submission_times(
    path: Path, zone: tzinfo, warn: Callable[[str], None] = lambda line: None
) -> dict[int, datetime]:
    """Participant id -> when the worksheet says the submission was last modified (UTC)."""
    try:
        if path.stat().st_size > MAX_WORKSHEET_BYTES:
            raise SubmissionError(f"{path}: over {MAX_WORKSHEET_BYTES // (1024 * 1024)} MB, not a grading worksheet")
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SubmissionError(f"{path}: cannot read the grading worksheet ({exc})") from None
    if not rows or IDENTIFIER not in rows[0] or SUBMITTED not in rows[0]:
        raise SubmissionError(
            f"{path}: not a Moodle grading worksheet (no '{IDENTIFIER}' and '{SUBMITTED}' columns; "
            "download it with Moodle in English)"
        )
    times: dict[int, datetime] = {}
    unread = []
    for row in rows:
        match = _PARTICIPANT.match((row.get(IDENTIFIER) or "").strip())
        said = (row.get(SUBMITTED) or "").strip()
        if match is None or said in ("", "-"):
            continue
        when = _when(said, zone)
        if when is None:
            unread.append(said)
        else:
            times[int(match.group("id"))] = when
    if unread:
        warn(
            f"{path.name}: {len(unread)} submission time(s) not in Moodle's English date form "
            f"(e.g. 'Monday, 30 November 2026, 9:12 AM'), left unknown: {unread[0]!r}"
        )
    return times


def with_worksheet_times(submissions: Sequence[Submission], times: dict[int, datetime]) -> list[Submission]:
    """Each submission from a Moodle download with the worksheet's time of its participant."""
    timed = []
    for submission in submissions:
        participant = moodle_participant(submission.display)
        when = None if participant is None else times.get(participant.participant_id)
        timed.append(submission if when is None else replace(submission, submitted_at=when))
    return timed
