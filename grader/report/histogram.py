"""A class's score histogram as plain numbers for an inline SVG: no image, no library, no
request; each bar carries its own tooltip."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

BINS = 10
WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 34, 16, 10, 36
"""Margins inside the SVG for the axes' numbers and the x-axis label."""


@dataclass(frozen=True)
class Bar:
    """One tenth of the score range."""

    x: float
    y: float
    width: float
    height: float
    count: int
    label: str
    """Tooltip: the range and how many students scored in it."""


@dataclass(frozen=True)
class Histogram:
    """Everything the template draws, in SVG user units."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    peak: int
    """The tallest bar's count, written at the top of the y axis."""
    left: int
    top: int
    bottom: float
    """The y of the x axis."""
    right: float
    ticks: tuple[tuple[float, str], ...]
    """(x, text) under the x axis: 0, 50, 100."""
    x_label: str


def score_histogram(percentages: Sequence[float], words: Mapping[str, str]) -> Histogram | None:
    """How many students scored in each tenth of the maximum (100% in the last); None when empty."""
    if not percentages:
        return None
    counts = [0] * BINS
    for value in percentages:
        clipped = min(100.0, max(0.0, value))
        counts[min(BINS - 1, int(clipped // (100 / BINS)))] += 1
    peak = max(counts)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / BINS
    bars = []
    for index, count in enumerate(counts):
        height = plot_h * count / peak if peak else 0.0
        low, high = index * 100 // BINS, (index + 1) * 100 // BINS
        label = words["histogram_bar"].format(low=low, high=high, n=count)
        bars.append(Bar(LEFT + index * step + 1, TOP + plot_h - height, step - 2, height, count, label))
    ticks = tuple((LEFT + plot_w * p / 100, str(p)) for p in (0, 50, 100))
    return Histogram(
        width=WIDTH,
        height=HEIGHT,
        bars=tuple(bars),
        peak=peak,
        left=LEFT,
        top=TOP,
        bottom=TOP + plot_h,
        right=WIDTH - RIGHT,
        ticks=ticks,
        x_label=words["score_percent"],
    )
