"""The gradebook: every submission, every grading and every override of a class, in one database.

SQLite in the output folder by default, any SQLAlchemy URL otherwise; the schema is brought up
to date (Alembic) when it is opened.  Each call commits before it returns, so a result is kept
the moment it is recorded, whatever happens to the grader afterwards.  Calls are safe from
several threads (grading threads record their results as each finishes).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ConfigError
from ..export.results_file import result_from_json, result_to_json
from ..models.results import Override as Decision
from ..models.results import Result
from .migrate import upgrade
from .models import HistoryEvent, ItemResultRow, Override, Run, Student, Submission

DEFAULT_NAME = "gradebook.sqlite"


@dataclass(frozen=True)
class SubmissionInfo:
    """What the gradebook keeps of a submission as handed in."""

    display: str
    stem: str
    student: str | None
    file_hash: str
    lms_timestamp: datetime | None = None
    file_mtime: float | None = None

    @property
    def student_key(self) -> str:
        """The student's LMS id, else the submission itself (nobody else's work is counted with it)."""
        return self.student if self.student else f"path:{self.display}"


@dataclass(frozen=True)
class RunKey:
    """What decides whether a graded submission must be graded again: any change here does."""

    rubric: str
    rubric_hash: str
    rubric_version: int
    grader_version: str
    environment: str


@dataclass(frozen=True)
class OverrideRecord:
    """An instructor's manual points for one item."""

    id: int
    submission: str
    rubric: str
    item_id: str
    points: float
    comment: str | None
    author: str | None
    created_at: datetime
    earlier_version: bool = False
    """Made on an earlier version of the submission (same path, other content)."""

    def decision(self) -> Decision:
        """The override as the scoring applies it."""
        at = self.created_at.replace(microsecond=0).isoformat()
        return Decision(self.points, self.comment, self.author, at, self.earlier_version)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def database_url(db: str | None, out_dir: Path) -> str:
    """The gradebook's SQLAlchemy URL: ``--db`` as given (a URL, or a file path for SQLite),
    else ``gradebook.sqlite`` in the output folder."""
    if db is None:
        return f"sqlite:///{(out_dir / DEFAULT_NAME).resolve()}"
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).resolve()}"


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")  # another grader on the same file waits its turn
        cursor.close()


class Gradebook:
    """One class's gradebook (see the module's docstring)."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            sqlite = url.startswith("sqlite")
            self.engine = create_engine(url, connect_args={"check_same_thread": False} if sqlite else {})
            if sqlite:
                _sqlite_pragmas(self.engine)
            upgrade(self.engine)
        except (SQLAlchemyError, ImportError, OSError) as exc:
            first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            raise ConfigError(f"--db {url}: cannot open the gradebook ({first})") from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _session(self) -> Session:
        return self._sessions()

    # submissions -----------------------------------------------------------------------

    def register(self, info: SubmissionInfo) -> int:
        """The id of this submission (path and content), added with its student when new."""
        with self._lock, self._session() as session, session.begin():
            found = session.scalar(
                select(Submission).where(Submission.display == info.display, Submission.file_hash == info.file_hash)
            )
            if found is not None:
                if found.stem != info.stem or found.lms_timestamp != info.lms_timestamp:
                    found.stem, found.lms_timestamp = info.stem, info.lms_timestamp
                found.file_mtime = info.file_mtime
                return found.id
            student = session.scalar(select(Student).where(Student.key == info.student_key))
            if student is None:
                student = Student(key=info.student_key, first_seen=_now())
                session.add(student)
            row = Submission(
                student=student,
                display=info.display,
                stem=info.stem,
                file_hash=info.file_hash,
                lms_timestamp=info.lms_timestamp,
                file_mtime=info.file_mtime,
                superseded=False,
                first_seen=_now(),
            )
            session.add(row)
            session.flush()
            session.add(HistoryEvent(at=_now(), event="received", submission_id=row.id, detail=info.file_hash))
            return row.id

    def mark_superseded(self, superseded: Iterable[int], counted: Iterable[int]) -> None:
        """Mark submissions superseded by a later one of the same student (kept, not counted),
        and the counted ones not superseded."""
        gone, kept = set(superseded), set(counted)
        with self._lock, self._session() as session, session.begin():
            rows = session.scalars(select(Submission).where(Submission.id.in_(gone | kept))).all()
            for row in rows:
                now_superseded = row.id in gone
                if row.superseded != now_superseded:
                    row.superseded = now_superseded
                    event_name = "superseded" if now_superseded else "counted"
                    session.add(HistoryEvent(at=_now(), event=event_name, submission_id=row.id))

    def superseded_ids(self) -> set[int]:
        """Every submission marked superseded."""
        with self._session() as session:
            return set(session.scalars(select(Submission.id).where(Submission.superseded.is_(True))))

    def superseded_stems(self) -> set[str]:
        """The report stems of the submissions marked superseded (a later one counts)."""
        with self._session() as session:
            return set(session.scalars(select(Submission.stem).where(Submission.superseded.is_(True))))

    # runs ------------------------------------------------------------------------------

    def previous(self, submission_id: int, key: RunKey) -> Result | None:
        """The latest result of this submission graded under the same rubric, grader and
        settings; None when it must be graded (again), as after a grader fault."""
        with self._session() as session:
            run = session.scalar(
                select(Run)
                .where(
                    Run.submission_id == submission_id,
                    Run.rubric == key.rubric,
                    Run.rubric_hash == key.rubric_hash,
                    Run.grader_version == key.grader_version,
                    Run.environment == key.environment,
                    Run.status != "error",  # the grader's own failure is graded again
                )
                .order_by(Run.id.desc())
                .limit(1)
            )
            return None if run is None else result_from_json(json.loads(run.result_json))

    def record(self, submission_id: int, key: RunKey, result: Result) -> int:
        """Commit one grading and its items; returns the run's id."""
        data = result_to_json(result, "en")
        with self._lock, self._session() as session, session.begin():
            run = Run(
                submission_id=submission_id,
                rubric=key.rubric,
                rubric_hash=key.rubric_hash,
                rubric_version=key.rubric_version,
                grader_version=key.grader_version,
                environment=key.environment,
                graded_at=_now(),
                status=result.status,
                score=result.score,
                max_score=result.max_score,
                duration_s=result.duration_s,
                reason=result.reason,
                result_json=json.dumps(data, ensure_ascii=False),
                items=[
                    ItemResultRow(
                        item_id=i.id,
                        check=i.check,
                        points=i.points,
                        max_points=i.max_points,
                        passed=i.passed,
                        judged=i.judged,
                        needs_review=i.needs_review,
                        required=i.required,
                    )
                    for i in result.items
                ],
            )
            session.add(run)
            session.flush()
            session.add(HistoryEvent(at=_now(), event="graded", submission_id=submission_id, run_id=run.id))
            return run.id

    def note(self, event_name: str, submission_id: int | None = None, detail: str | None = None) -> None:
        """Add one line to the history (``reused``, ``interrupted`` ...)."""
        with self._lock, self._session() as session, session.begin():
            session.add(HistoryEvent(at=_now(), event=event_name, submission_id=submission_id, detail=detail))

    def history(self, event_name: str | None = None) -> list[tuple[str, int | None, int | None, str | None]]:
        """(event, submission id, run id, detail) in the order they happened."""
        query = select(HistoryEvent).order_by(HistoryEvent.id)
        if event_name is not None:
            query = query.where(HistoryEvent.event == event_name)
        with self._session() as session:
            return [(h.event, h.submission_id, h.run_id, h.detail) for h in session.scalars(query)]

    def latest_results(self, submission_ids: Sequence[int] | None = None) -> dict[int, Result]:
        """Each submission's latest result (all submissions, or those asked for)."""
        latest = select(Run.submission_id, func.max(Run.id).label("run_id")).group_by(Run.submission_id).subquery()
        query = select(Run).join(latest, Run.id == latest.c.run_id)
        if submission_ids is not None:
            query = query.where(Run.submission_id.in_(list(submission_ids)))
        with self._session() as session:
            return {r.submission_id: result_from_json(json.loads(r.result_json)) for r in session.scalars(query)}

    def run_count(self, submission_id: int | None = None) -> int:
        """How many gradings were recorded (of one submission, or in all)."""
        query = select(func.count(Run.id))
        if submission_id is not None:
            query = query.where(Run.submission_id == submission_id)
        with self._session() as session:
            return int(session.scalar(query) or 0)

    # overrides -------------------------------------------------------------------------

    def _submission_named(self, session: Session, submission: str) -> Submission:
        row = session.scalar(
            select(Submission)
            .where((Submission.display == submission) | (Submission.stem == submission))
            .order_by(Submission.id.desc())
            .limit(1)
        )
        if row is None:
            raise ConfigError(f"{submission}: no such submission in the gradebook")
        return row

    def record_override(
        self,
        submission: str,
        rubric: str,
        item_id: str,
        points: float,
        *,
        comment: str | None = None,
        author: str | None = None,
    ) -> OverrideRecord:
        """Keep an instructor's points for one item of a submission (named by its path as
        graded, or its report stem; its latest content when it changed)."""
        with self._lock, self._session() as session, session.begin():
            row = self._submission_named(session, submission)
            override = Override(
                submission_id=row.id,
                rubric=rubric,
                item_id=item_id,
                points=float(points),
                comment=comment,
                author=author,
                created_at=_now(),
            )
            session.add(override)
            session.flush()
            session.add(
                HistoryEvent(
                    at=_now(),
                    event="override",
                    submission_id=row.id,
                    detail=json.dumps({"rubric": rubric, "item": item_id, "points": float(points)}),
                )
            )
            return OverrideRecord(
                override.id, row.display, rubric, item_id, override.points, comment, author, override.created_at
            )

    def remove_override(self, submission: str, rubric: str, item_id: str) -> int:
        """Withdraw the overrides of one item of a submission (of every version of it): the
        machine's points hold again.  Returns how many were removed."""
        with self._lock, self._session() as session, session.begin():
            row = self._submission_named(session, submission)
            versions = select(Submission.id).where(Submission.display == row.display)
            found = session.scalars(
                select(Override).where(
                    Override.submission_id.in_(versions), Override.rubric == rubric, Override.item_id == item_id
                )
            ).all()
            for override in found:
                session.delete(override)
            if found:
                detail = json.dumps({"rubric": rubric, "item": item_id})
                session.add(HistoryEvent(at=_now(), event="override_removed", submission_id=row.id, detail=detail))
            return len(found)

    def held_overrides(self, submission_id: int, rubric: str) -> dict[str, Decision]:
        """The override that holds on each item of a submission under ``rubric``: the latest,
        also when it was made on an earlier version of the same path (marked so)."""
        with self._session() as session:
            row = session.get(Submission, submission_id)
            if row is None:
                return {}
            versions = {
                s.id: s.file_hash for s in session.scalars(select(Submission).where(Submission.display == row.display))
            }
            query = (
                select(Override)
                .where(Override.submission_id.in_(list(versions)), Override.rubric == rubric)
                .order_by(Override.id)
            )
            held: dict[str, Decision] = {}
            for o in session.scalars(query):
                earlier = versions[o.submission_id] != row.file_hash
                record = OverrideRecord(
                    o.id, row.display, o.rubric, o.item_id, o.points, o.comment, o.author, o.created_at, earlier
                )
                held[o.item_id] = record.decision()
            return held

    def held_overrides_named(self, submission: str, rubric: str) -> dict[str, Decision]:
        """:meth:`held_overrides` of a submission named by its path or report stem (its latest
        content); none for a name the gradebook does not know."""
        with self._session() as session:
            try:
                submission_id = self._submission_named(session, submission).id
            except ConfigError:
                return {}
        return self.held_overrides(submission_id, rubric)

    def overrides_for(self, submission: str, rubric: str | None = None) -> list[OverrideRecord]:
        """A submission's overrides, oldest first (the last one of an item is the one that holds)."""
        with self._session() as session:
            row = self._submission_named(session, submission)
            query = select(Override).where(Override.submission_id == row.id).order_by(Override.id)
            if rubric is not None:
                query = query.where(Override.rubric == rubric)
            return [
                OverrideRecord(o.id, row.display, o.rubric, o.item_id, o.points, o.comment, o.author, o.created_at)
                for o in session.scalars(query)
            ]
