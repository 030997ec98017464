"""Figures as plain data: what a plot showed, captured before it was closed.

Part of the evidence model; ``grader.models.evidence`` re-exports every name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LineRecord:
    """A plotted line."""

    label: str
    x: tuple[float | None, ...]
    y: tuple[float | None, ...]


@dataclass(frozen=True)
class GridRecord:
    """An image or heatmap: its shape and (when small) its values."""

    shape: tuple[int, ...]
    values: tuple[tuple[float | None, ...], ...] | None


@dataclass(frozen=True)
class AxesRecord:
    """One Axes of a figure."""

    title: str
    xlabel: str
    ylabel: str
    legend: tuple[str, ...]
    lines: tuple[LineRecord, ...]
    images: tuple[GridRecord, ...]
    meshes: tuple[GridRecord, ...]
    texts: tuple[str, ...]
    xticklabels: tuple[str, ...] = ()
    yticklabels: tuple[str, ...] = ()
    bars: int = 0


@dataclass(frozen=True)
class FigureRecord:
    """A figure, captured before it was closed."""

    seq: int
    cell: int
    reason: str
    suptitle: str
    legend: tuple[str, ...]
    axes: tuple[AxesRecord, ...]
