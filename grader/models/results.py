"""Check results, scores and the per-submission result (the JSON contract)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .environment import EnvironmentGap, GradingEnvironment

RESULT_SCHEMA = 1
WORDS = "words"
"""The catalogue code of :meth:`Message.words`."""
SubmissionStatus = Literal["graded", "timeout", "kernel_died", "invalid", "error"]


@dataclass(frozen=True)
class Message:
    """A piece of feedback as a catalogue code plus values; rendered per language later."""

    code: str
    """Key in ``grader.i18n`` (e.g. ``split.no_validation``)."""
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def words(cls, en: str, id: str | None = None) -> Message:
        """Words that are not in the catalogue (a rubric's title, an instructor's remark), in both
        languages; Indonesian falls back to English."""
        return cls(WORDS, {"en": en, "id": id or en})


@dataclass(frozen=True)
class CheckResult:
    """What one check concluded about the evidence."""

    passed: bool
    fraction: float = 1.0
    """Share of the item's points earned (partial credit); 0 when not passed unless partial."""
    messages: tuple[Message, ...] = ()
    """Found / expected / what to try - in that order when all apply."""
    evidence: dict[str, Any] = field(default_factory=dict)
    """The facts behind the verdict, for the report (sizes, counts, names). JSON-safe."""
    judged: bool = True
    """False when the evidence this check needs is absent (nothing ran, nothing was fitted):
    the item is not judged - no points, never a pass - and the messages say what is missing."""
    needs_review: bool = False
    """True when a person should look (the cause lies with the environment or the grader)."""

    @classmethod
    def ok(cls, *messages: Message, **evidence: Any) -> CheckResult:
        """A pass with full credit."""
        return cls(passed=True, fraction=1.0, messages=messages, evidence=evidence)

    @classmethod
    def fail(cls, *messages: Message, fraction: float = 0.0, **evidence: Any) -> CheckResult:
        """A fail, optionally with partial credit."""
        return cls(passed=False, fraction=fraction, messages=messages, evidence=evidence)

    @classmethod
    def not_judged(cls, *messages: Message, needs_review: bool = False, **evidence: Any) -> CheckResult:
        """No verdict: the evidence is absent; the messages name what is missing and why."""
        return cls(
            passed=False, fraction=0.0, messages=messages, evidence=evidence, judged=False, needs_review=needs_review
        )


@dataclass(frozen=True)
class Override:
    """An instructor's decision on one item: the points it earns, whatever the checks said."""

    points: float
    comment: str | None = None
    """Why, in the instructor's words (shown to the student with the item)."""
    author: str | None = None
    at: str | None = None
    """When it was decided (ISO 8601, UTC)."""
    earlier_version: bool = False
    """Decided on an earlier version of the submission (the file changed since): still held."""


@dataclass(frozen=True)
class AppliedOverride:
    """An override as it holds on a scored item, with the machine's own verdict kept beside it."""

    decision: Override
    machine_points: float
    machine_passed: bool
    machine_judged: bool = True
    machine_needs_review: bool = False


@dataclass(frozen=True)
class ItemResult:
    """One rubric item, scored.  Words are kept as messages and rendered when shown."""

    id: str
    check: str
    title: Message
    """The rubric's title of the item, in both languages (``Message.words``)."""
    points: float
    max_points: float
    passed: bool
    messages: tuple[Message, ...]
    """The check's findings, then the instructor's remark for a pass or a fail."""
    evidence: dict[str, Any]
    visibility: Literal["visible", "hidden"] = "visible"
    required: bool = True
    judged: bool = True
    """False when the evidence was absent: no points, not a pass (see ``CheckResult.judged``)."""
    needs_review: bool = False
    override: AppliedOverride | None = None
    """The instructor's points in place of the machine's (``grader.scoring.overrides``)."""

    @property
    def machine_points(self) -> float:
        """The points the checks gave, before any instructor's override."""
        return self.points if self.override is None else self.override.machine_points


@dataclass(frozen=True)
class CellResult:
    """One cell in the result JSON."""

    index: int
    status: Literal["ok", "error", "timeout", "not_run"]
    error: str | None = None


@dataclass(frozen=True)
class LateRecord:
    """How a due time bore on a result's total (``--due``): what the LMS said, and the penalty."""

    due: str
    """The due time given, ISO 8601 with its offset."""
    submitted_at: str | None
    """When the LMS says it was handed in (ISO 8601, UTC); None when the download does not say."""
    minutes_late: int | None
    """Whole minutes past the due time (0: on time); None when the time is unknown."""
    percent: float
    """Share of the total taken off, in percent (0 when on time, within grace or unknown)."""
    score_before: float
    """The total before the penalty (after any instructor override of items)."""
    score_after: float
    """The total after it: the result's ``score``."""
    marked_late: bool = False
    """The LMS marks it late but gives no time (Canvas's ``LATE``): no penalty, a person decides."""

    @property
    def needs_review(self) -> bool:
        """Late by an amount nobody knows: a person must decide the penalty."""
        return self.marked_late and self.minutes_late is None


@dataclass(frozen=True)
class Result:
    """The graded submission (contract: schema 1; written as JSON by ``grader.export.results_file``)."""

    submission: str
    student: str | None
    rubric: str
    status: SubmissionStatus
    score: float
    max_score: float
    duration_s: float
    items: tuple[ItemResult, ...]
    cells: tuple[CellResult, ...]
    reason: str | None = None
    """One line when the status is not ``graded`` (what limit, what was wrong)."""
    notes: tuple[Message, ...] = ()
    """Things done on the student's behalf (a skipped pip line, a served dataset, a stand-in)."""
    rubric_title: Message | None = None
    """The rubric's title in both languages (for class pages and gradebook columns)."""
    environment_gaps: tuple[EnvironmentGap, ...] = ()
    """Cell errors the grading environment caused (missing packages, removed APIs, Colab-only
    features): not the student's mistakes; items they kept from being judged need review."""
    environment: GradingEnvironment | None = None
    """The environment the kernel ran in: its name, spec hash and main packages' versions."""
    late: LateRecord | None = None
    """The due time's bearing on ``score`` (``--due``); None when no due time was given."""
    timings: Mapping[str, float] = field(default_factory=dict)
    """Where the grading's seconds went (``pipeline.timings.phase_seconds``), for ``bench/`` and
    the instructor; empty when not graded."""

    @property
    def all_required_passed(self) -> bool:
        """Exit code 0 of ``grader check`` / ``grade``."""
        return self.status == "graded" and all(i.passed for i in self.items if i.required)
