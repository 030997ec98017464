"""An environment gap: a cell failed because of the grading environment, not the student.

The evidence stage finds them in the cell errors (``grader.evidence.environment``); checks
read them to explain absent evidence; the result carries them (``environment_gaps`` of the
result JSON) so reports can say which packages or APIs a class's notebooks missed.  A gap is
about what the kernel could import, never about one particular environment: the same
notebook graded where the package exists has no gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .results import Message

GapKind = Literal["missing_package", "removed_api", "colab_only"]
GAP_KINDS: tuple[GapKind, ...] = ("missing_package", "removed_api", "colab_only")


@dataclass(frozen=True)
class EnvironmentGap:
    """One thing the grading environment lacks, and the cells that failed because of it."""

    kind: GapKind
    """``missing_package`` (a real package that is not installed), ``removed_api`` (an import,
    attribute or argument the installed version removed) or ``colab_only`` (only Google Colab has it)."""
    name: str
    """What the notebook asked for: the import name (``imblearn``), the API
    (``pandas.DataFrame.append``) or the Colab feature (``%tensorflow_version``)."""
    cell: int
    """The first cell (notebook index) whose error this is."""
    error: str
    """That cell's error, one line."""
    package: str | None = None
    """For a missing package: the distribution to install (``imbalanced-learn``)."""
    removed_in: str | None = None
    """For a removed API: the release that removed it (``pandas 2.0``)."""
    instead: str | None = None
    """For a removed API: what to write today (``pd.concat``)."""
    number: int | None = None
    """The cell's number among code cells, as Jupyter shows it (``cell`` counts markdown too)."""
    numbers: tuple[int, ...] = ()
    """The code-cell numbers of ``affected``, as Jupyter shows them."""
    affected: tuple[int, ...] = ()
    """Every cell that failed because of this gap, its own cell first (later cells failed
    with a NameError for a name the failed cells would have defined)."""

    def message(self) -> Message:
        """The catalogue message naming this gap, for an item's feedback and the report's list."""
        from .results import Message  # results holds gaps itself: imported when first used

        values: dict[str, Any] = {"name": self.name, "cell": self.number if self.number is not None else self.cell}
        if self.kind == "missing_package":
            return Message("environment.missing_package", {**values, "package": self.package or self.name})
        if self.kind == "removed_api":
            return Message(
                "environment.removed_api",
                {**values, "removed_in": self.removed_in or "?", "instead": self.instead or "?"},
            )
        return Message("environment.colab_only", values)

    def to_json(self) -> dict[str, Any]:
        """Plain data (the result JSON's ``environment_gaps`` entries, without rendered text)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "package": self.package,
            "removed_in": self.removed_in,
            "instead": self.instead,
            "cell": self.cell,
            "cells": list(self.affected),
            "number": self.number,
            "numbers": list(self.numbers),
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EnvironmentGap:
        """Inverse of :meth:`to_json`; an unknown kind is read as a missing package."""
        kind = data.get("kind")
        return cls(
            kind=kind if kind in GAP_KINDS else "missing_package",
            name=str(data.get("name", "")),
            cell=int(data.get("cell", -1)),
            error=str(data.get("error", "")),
            package=data.get("package"),
            removed_in=data.get("removed_in"),
            instead=data.get("instead"),
            affected=tuple(int(c) for c in data.get("cells") or ()),
            number=None if data.get("number") is None else int(data["number"]),
            numbers=tuple(int(c) for c in data.get("numbers") or ()),
        )


@dataclass(frozen=True)
class GradingEnvironment:
    """The environment a notebook ran in (the result JSON's ``environment`` object)."""

    name: str
    """A built environment's name (``colab``), or ``own`` for the grader's own."""
    spec_hash: str | None = None
    """The hash of the environment's spec (None for the grader's own)."""
    packages: dict[str, str] | None = None
    """Versions of the main packages installed (``{"python": "3.11.7", "pandas": "2.2.2"}``)."""

    def to_json(self) -> dict[str, Any]:
        """Plain data."""
        return {"name": self.name, "spec_hash": self.spec_hash, "packages": dict(self.packages or {})}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GradingEnvironment:
        """Inverse of :meth:`to_json`."""
        packages = data.get("packages")
        return cls(
            name=str(data.get("name") or "own"),
            spec_hash=data.get("spec_hash"),
            packages={str(k): str(v) for k, v in packages.items()} if isinstance(packages, dict) else {},
        )
