"""``--due`` and ``--late-penalty``: the due time and policy of a class run, applied to each total.

The due time is ISO 8601 *with* its offset (``2026-12-01T23:59+07:00``, or ``Z``): a time without
one is refused, since the grader's machine, the LMS and the students may sit in different zones
and a guessed zone would move the deadline by hours.  The policy is the rubric's ``late:``, or
``--late-penalty PER_DAY[:MAX[:GRACE_MINUTES]]`` (percent, percent, minutes) over it.

Moodle's times come from its grading worksheet (``--moodle-worksheet`` and the zone it was
written in, ``--moodle-timezone``).
Only a time the LMS gave (``Submission.submitted_at``) is judged; a submission without one loses
nothing and is named in a warning line.  Canvas's ``LATE`` marker without a time: no penalty, the
result says a person must decide (``late.needs_review``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from ..errors import ConfigError
from ..intake.moodle_worksheet import parse_zone, read_submission_times, with_worksheet_times
from ..models.results import Result
from ..models.rubric import LatePolicy, Rubric
from ..models.submission import Submission
from ..scoring.late import late_applied, late_removed
from .plan import Job

POLICY_FIELDS = ("per_day", "max", "grace_minutes")


@dataclass(frozen=True)
class DueTime:
    """A class run's due time and, when given on the command line, its policy."""

    due: datetime
    """Aware: the moment the work was due."""
    policy: LatePolicy | None = None
    """``--late-penalty``; None: each rubric's own ``late:``."""

    def policy_for(self, rubric: Rubric) -> LatePolicy:
        """The policy that applies to ``rubric``'s submissions; refused when there is none."""
        chosen = self.policy or rubric.late
        if chosen is None:
            raise ConfigError(
                f"--due needs a late policy: rubric '{rubric.name}' has no 'late:' "
                "(e.g. late: {per_day: 10, max: 50}) and no --late-penalty PER_DAY[:MAX[:GRACE_MINUTES]] was given"
            )
        return chosen


def parse_due(text: str) -> datetime:
    """``--due``: an ISO 8601 time with its offset; one clear line when it is not."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"--due {text!r}: not an ISO 8601 time (e.g. 2026-12-01T23:59+07:00)") from None
    if when.tzinfo is None:
        raise ConfigError(
            f"--due {text!r}: give the time zone too (e.g. {when.isoformat(timespec='minutes')}+07:00 or ...Z); "
            "a time without one would be read in this machine's zone"
        )
    return when


def parse_late_penalty(text: str) -> LatePolicy:
    """``--late-penalty PER_DAY[:MAX[:GRACE_MINUTES]]``, validated as the rubric's ``late:`` is."""
    parts = text.split(":")
    if not 1 <= len(parts) <= len(POLICY_FIELDS) or not all(p.strip() for p in parts):
        raise ConfigError(f"--late-penalty {text!r}: give PER_DAY[:MAX[:GRACE_MINUTES]], e.g. 10:50:15")
    try:
        return LatePolicy.model_validate(dict(zip(POLICY_FIELDS, (p.strip() for p in parts), strict=False)))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ()))
        raise ConfigError(f"--late-penalty {text!r}: {field}: {first.get('msg', 'invalid')}") from None


def due_time(due: str | None, late_penalty: str | None) -> DueTime | None:
    """The options as given; None without ``--due`` (then nothing changes)."""
    if due is None:
        if late_penalty is not None:
            raise ConfigError("--late-penalty needs --due (the time the work was due)")
        return None
    return DueTime(parse_due(due), None if late_penalty is None else parse_late_penalty(late_penalty))


def final_total(result: Result, submission: Submission, rubric: Rubric, due: DueTime | None) -> Result:
    """The result as it counts: the late penalty on its total when a due time was given, none
    otherwise (a penalty from an earlier run with another ``--due`` is taken back)."""
    if due is None:
        return late_removed(result)
    policy = due.policy_for(rubric)
    return late_applied(result, due.due, policy, submission.submitted_at, marked_late=submission.marked_late)


def unknown_time_warnings(submissions: list[Submission], due: DueTime | None) -> list[str]:
    """One line for each submission ``--due`` cannot judge: the LMS gave no time for it."""
    if due is None:
        return []
    lines = []
    for submission in submissions:
        if submission.submitted_at is not None or submission.problem:
            continue
        if submission.marked_late:
            lines.append(
                f"{submission.display}: the LMS marks it late but gives no submission time; "
                "no late penalty applied, marked for review"
            )
        else:
            lines.append(f"{submission.display}: the LMS gives no submission time; no late penalty applied")
    return lines


def worksheet_times(worksheet: str | None, zone: str | None, warn: Callable[[str], None]) -> dict[int, datetime] | None:
    """``--moodle-worksheet FILE --moodle-timezone ZONE``: participant id -> submission time."""
    if worksheet is None:
        if zone is not None:
            raise ConfigError("--moodle-timezone needs --moodle-worksheet (the grading worksheet it applies to)")
        return None
    if zone is None:
        raise ConfigError(
            "--moodle-worksheet needs --moodle-timezone: the worksheet writes times in your Moodle "
            "profile's time zone without naming it (e.g. --moodle-timezone Asia/Jakarta)"
        )
    return read_submission_times(Path(worksheet), parse_zone(zone), warn)


def timed_jobs(jobs: list[Job], times: dict[int, datetime] | None) -> list[Job]:
    """The jobs, each Moodle submission with its worksheet's time (unchanged without a worksheet)."""
    if times is None:
        return jobs
    timed = with_worksheet_times([job.submission for job in jobs], times)
    return [replace(job, submission=submission) for job, submission in zip(jobs, timed, strict=True)]
