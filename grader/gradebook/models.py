"""The gradebook's tables (SQLAlchemy 2 declarative models).

The schema is owned by the Alembic migrations in ``migrations/``: a change here needs a new
revision there (``tests/gradebook/test_migrations.py`` compares the two).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """The gradebook's metadata."""


class Student(Base):
    """Who handed something in: the LMS id, else the submission's own name."""

    __tablename__ = "students"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    """The LMS id (Moodle participant, Canvas user, Gradescope submission) or, without one, the path."""
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    submissions: Mapped[list[Submission]] = relationship(back_populates="student")


class Submission(Base):
    """One notebook as handed in: one row per path and content (a changed file is a new row)."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("display", "file_hash", name="uq_submission_display_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    display: Mapped[str] = mapped_column(String(1000))
    """The path as the user gave it (the result JSON's ``submission``)."""
    stem: Mapped[str] = mapped_column(String(200))
    """The file stem of its reports in the output folder."""
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    """SHA-256 of the notebook's bytes and of the files handed in beside it."""
    lms_timestamp: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    """When the LMS says it was handed in, where the download tells."""
    file_mtime: Mapped[float | None] = mapped_column(Float, nullable=True)
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    """A later submission of the same student counts instead; this one is kept."""
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    student: Mapped[Student] = relationship(back_populates="submissions")
    runs: Mapped[list[Run]] = relationship(back_populates="submission")


class Run(Base):
    """One grading of one submission: under which rubric, grader and environment, with what result."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    rubric: Mapped[str] = mapped_column(String(200))
    rubric_hash: Mapped[str] = mapped_column(String(64))
    rubric_version: Mapped[int] = mapped_column(Integer)
    """The rubric file's schema version."""
    grader_version: Mapped[str] = mapped_column(String(50))
    environment: Mapped[str] = mapped_column(String(200))
    """The grading environment: ``own`` or ``<name>-<spec hash>``; with ``+sandbox`` when confined."""
    graded_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    duration_s: Mapped[float] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    result_json: Mapped[str] = mapped_column(Text)
    """The whole result (``grader.export.results_file`` schema), reused when nothing changed."""
    submission: Mapped[Submission] = relationship(back_populates="runs")
    items: Mapped[list[ItemResultRow]] = relationship(back_populates="run", cascade="all, delete-orphan")


class ItemResultRow(Base):
    """One rubric item's outcome in a run."""

    __tablename__ = "item_results"
    __table_args__ = (UniqueConstraint("run_id", "item_id", name="uq_item_result_run_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(200))
    check: Mapped[str] = mapped_column(String(50))
    points: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    judged: Mapped[bool] = mapped_column(Boolean)
    needs_review: Mapped[bool] = mapped_column(Boolean)
    required: Mapped[bool] = mapped_column(Boolean)
    run: Mapped[Run] = relationship(back_populates="items")


class Override(Base):
    """An instructor's manual decision on one item of one submission, kept across regrades."""

    __tablename__ = "overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    rubric: Mapped[str] = mapped_column(String(200))
    item_id: Mapped[str] = mapped_column(String(200))
    points: Mapped[float] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    author: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class HistoryEvent(Base):
    """What happened, in order: graded, reused, superseded, override, interrupted."""

    __tablename__ = "history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    event: Mapped[str] = mapped_column(String(30), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), nullable=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
