"""Check results, scores and the per-submission result (the JSON contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

RESULT_SCHEMA = 1
SubmissionStatus = Literal["graded", "timeout", "kernel_died", "invalid", "error"]


@dataclass(frozen=True)
class Message:
    """A piece of feedback as a catalogue code plus values; rendered per language later."""

    code: str
    """Key in ``grader.i18n`` (e.g. ``split.no_validation``)."""
    params: dict[str, Any] = field(default_factory=dict)


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

    @classmethod
    def ok(cls, *messages: Message, **evidence: Any) -> CheckResult:
        """A pass with full credit."""
        return cls(passed=True, fraction=1.0, messages=messages, evidence=evidence)

    @classmethod
    def fail(cls, *messages: Message, fraction: float = 0.0, **evidence: Any) -> CheckResult:
        """A fail, optionally with partial credit."""
        return cls(passed=False, fraction=fraction, messages=messages, evidence=evidence)


@dataclass(frozen=True)
class ItemResult:
    """One rubric item, scored (the ``items`` entries of the result JSON)."""

    id: str
    check: str
    title: str
    points: float
    max_points: float
    passed: bool
    feedback: str
    evidence: dict[str, Any]
    visibility: Literal["visible", "hidden"] = "visible"
    required: bool = True

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemResult:
        """One ``items`` entry of the result JSON."""
        return cls(
            id=str(data["id"]),
            check=str(data.get("check", "")),
            title=str(data.get("title", "")),
            points=float(data.get("points", 0.0)),
            max_points=float(data.get("max_points", 0.0)),
            passed=bool(data.get("passed", False)),
            feedback=str(data.get("feedback") or ""),
            evidence=dict(data.get("evidence") or {}),
            visibility="hidden" if data.get("visibility") == "hidden" else "visible",
            required=bool(data.get("required", True)),
        )


@dataclass(frozen=True)
class CellResult:
    """One cell in the result JSON."""

    index: int
    status: Literal["ok", "error", "timeout", "not_run"]
    error: str | None = None


@dataclass(frozen=True)
class Result:
    """The graded submission (contract: schema 1)."""

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
    lang: str = "en"
    notes: tuple[str, ...] = ()
    """Things done on the student's behalf (a skipped pip line, a served dataset, a stand-in)."""
    rubric_title: str | None = None
    """The rubric's title in ``lang`` (for class pages and gradebook columns)."""

    @property
    def all_required_passed(self) -> bool:
        """Exit code 0 of ``grader check`` / ``grade``."""
        return self.status == "graded" and all(i.passed for i in self.items if i.required)

    def to_json(self) -> dict[str, Any]:
        """The result JSON of the contract."""
        return {
            "schema": RESULT_SCHEMA,
            "submission": self.submission,
            "student": self.student,
            "rubric": self.rubric,
            "rubric_title": self.rubric_title,
            "status": self.status,
            "score": round(self.score, 4),
            "max_score": round(self.max_score, 4),
            "duration_s": round(self.duration_s, 3),
            "reason": self.reason,
            "lang": self.lang,
            "items": [
                {
                    "id": i.id,
                    "check": i.check,
                    "title": i.title,
                    "points": round(i.points, 4),
                    "max_points": i.max_points,
                    "passed": i.passed,
                    "feedback": i.feedback,
                    "evidence": i.evidence,
                    "visibility": i.visibility,
                    "required": i.required,
                }
                for i in self.items
            ],
            "cells": [{"index": c.index, "status": c.status, "error": c.error} for c in self.cells],
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        """Inverse of :meth:`to_json`; fields added after schema 1 default when absent."""
        schema = data.get("schema", RESULT_SCHEMA)
        if schema != RESULT_SCHEMA:
            raise ValueError(f"result schema {schema} (this grader reads {RESULT_SCHEMA})")
        return cls(
            submission=str(data["submission"]),
            student=None if data.get("student") is None else str(data["student"]),
            rubric=str(data.get("rubric", "")),
            status=data["status"],
            score=float(data.get("score", 0.0)),
            max_score=float(data.get("max_score", 0.0)),
            duration_s=float(data.get("duration_s", 0.0)),
            items=tuple(ItemResult.from_json(i) for i in data.get("items") or ()),
            cells=tuple(
                CellResult(index=int(c["index"]), status=c["status"], error=c.get("error"))
                for c in data.get("cells") or ()
            ),
            reason=data.get("reason"),
            lang=str(data.get("lang", "en")),
            notes=tuple(str(n) for n in data.get("notes") or ()),
            rubric_title=data.get("rubric_title"),
        )
