"""Small helpers shared by the check tests: message codes and hand-drawn figures."""

from __future__ import annotations

from grader.models.evidence import AxesRecord, FigureRecord, LineRecord
from grader.models.results import CheckResult


def codes(result: CheckResult) -> list[str]:
    """The catalogue codes of a result's messages, in order."""
    return [m.code for m in result.messages]


def axes(lines=(), images=(), title="", ylabel="") -> AxesRecord:
    """One Axes with these lines (their labels as the legend) and images."""
    return AxesRecord(
        title=title,
        xlabel="epoch",
        ylabel=ylabel,
        legend=tuple(ln.label for ln in lines),
        lines=tuple(lines),
        images=tuple(images),
        meshes=(),
        texts=(),
    )


def figure(*ax: AxesRecord, cell: int = 4) -> FigureRecord:
    """A closed figure of these Axes, drawn in ``cell``."""
    return FigureRecord(seq=50, cell=cell, reason="close", suptitle="", legend=(), axes=tuple(ax))


def line(label, ys) -> LineRecord:
    """A plotted line over 0, 1, 2, ..."""
    return LineRecord(label=label, x=tuple(range(len(ys))), y=tuple(ys))
