"""The rubric: which checks, how many points, which thresholds (validated from YAML)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RUBRIC_SCHEMA = 1
LANGUAGES = ("en", "id")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(_Strict):
    """Text in English and Bahasa Indonesia (a plain string in YAML means the same in both)."""

    en: str
    id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"en": value}
        return value

    def get(self, lang: str) -> str:
        """The text in ``lang``, falling back to English."""
        return (self.id if lang == "id" and self.id else self.en) or ""


class ItemFeedback(_Strict):
    """Instructor-written feedback added after the check's own words."""

    passed: Text | None = Field(default=None, alias="pass")
    failed: Text | None = Field(default=None, alias="fail")


class RubricItem(_Strict):
    """One graded item."""

    id: str
    title: Text
    check: str
    points: float = Field(ge=0)
    params: dict[str, Any] = Field(default_factory=dict)
    visibility: Literal["visible", "hidden"] = "visible"
    required: bool = True
    """Whether the item counts for the exit code (0 = all required items passed)."""
    partial: bool = True
    """Whether partial credit from the check is kept when the item fails."""
    feedback: ItemFeedback | None = None

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not value or any(ch.isspace() for ch in value):
            raise ValueError("an item id must be non-empty and contain no spaces")
        return value


class Limits(_Strict):
    """Execution limits for this exercise."""

    cell_timeout_s: float = Field(default=600, gt=0)
    notebook_timeout_s: float = Field(default=1800, gt=0)
    memory_mb: int = Field(default=4096, ge=256)
    cpu_s: int | None = Field(default=None, ge=1)
    disk_mb: int = Field(default=2048, ge=64)
    """Disk the notebook may fill: its working folder, home and /tmp together (sandboxed runs)."""


class LatePolicy(_Strict):
    """The penalty for handing in after the due time (``--due``), as a share of the total.

    Each day begun after the due time costs ``per_day`` percent (1 h 10 min late is one day, as
    Canvas's late policy rounds up), up to ``max``; a submission within ``grace_minutes`` of the
    due time is on time.  The total never goes below 0."""

    per_day: float = Field(default=10, ge=0, le=100)
    """Percent of the total taken off for each day (or part of one) late."""
    max: float = Field(default=100, ge=0, le=100)
    """The most percent ever taken off."""
    grace_minutes: int = Field(default=0, ge=0)
    """Minutes after the due time that still count as on time."""


class Rubric(_Strict):
    """A whole rubric file."""

    schema_version: int = Field(alias="schema")
    name: str
    title: Text
    reference: str | None = None
    """File name of the reference notebook in ``reference/``."""
    datasets: tuple[str, ...] = ()
    environment: str | None = None
    """The grading environment the kernel runs in: a bundled name (``colab``) or a spec file's
    path (relative to the rubric); None: the grader's own.  ``--env`` overrides it."""
    limits: Limits = Field(default_factory=Limits)
    late: LatePolicy | None = None
    """The late penalty applied when ``grader grade --due`` is given (``--late-penalty`` overrides it)."""
    items: tuple[RubricItem, ...]

    @field_validator("schema_version")
    @classmethod
    def _schema(cls, value: int) -> int:
        if value != RUBRIC_SCHEMA:
            raise ValueError(f"this grader reads rubric schema {RUBRIC_SCHEMA}, not {value}")
        return value

    @model_validator(mode="after")
    def _unique_ids(self) -> Rubric:
        seen: set[str] = set()
        for item in self.items:
            if item.id in seen:
                raise ValueError(f"item id {item.id!r} is used twice")
            seen.add(item.id)
        if not self.items:
            raise ValueError("a rubric needs at least one item")
        return self

    @property
    def max_score(self) -> float:
        """Sum of all items' points."""
        return float(sum(i.points for i in self.items))
