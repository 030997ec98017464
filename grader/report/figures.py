"""The report's pictures, redrawn by the grader from evidence, as PNG bytes.

Matplotlib is driven through ``Figure`` and the Agg canvas only: pyplot keeps global
figures alive and would leak state between reports rendered in one process.  It is imported
when the first picture is drawn (about a second): a command that draws none never pays for it.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Sizes in inches at 100 dpi: wide enough to read, small enough to keep the HTML light.
_DPI = 100
_TRAIN_COLOUR = "#1f77b4"
_VALIDATION_COLOUR = "#d62728"


def png_data_uri(png: bytes) -> str:
    """``data:image/png;base64,...`` for an ``<img src>`` that needs no file beside the page."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _new_figure(**kwargs: Any) -> Figure:
    from matplotlib.figure import Figure

    return Figure(dpi=_DPI, layout="constrained", **kwargs)


def _to_png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def _finite(values: Sequence[float | None]) -> list[float]:
    return [float("nan") if v is None or not math.isfinite(v) else float(v) for v in values]


def loss_curve_png(history: Mapping[str, Sequence[float]], words: Mapping[str, str]) -> bytes | None:
    """Training and validation loss per epoch from a fit history; None without a loss series."""
    train = _finite(history.get("loss", ()))
    validation = _finite(history.get("val_loss", ()))
    if not any(math.isfinite(v) for v in train + validation):
        return None
    figure = _new_figure(figsize=(6.4, 3.6))
    axes = figure.add_subplot()
    # Few epochs draw as a dot or a stub: markers keep them visible.
    marker = "o" if max(len(train), len(validation)) <= 30 else None
    if train:
        axes.plot(range(1, len(train) + 1), train, marker=marker, color=_TRAIN_COLOUR, label=words["training_loss"])
    if validation:
        axes.plot(
            range(1, len(validation) + 1),
            validation,
            marker=marker,
            color=_VALIDATION_COLOUR,
            label=words["validation_loss"],
        )
    axes.set_xlabel(words["epoch"])
    axes.set_ylabel(words["loss"])
    axes.grid(alpha=0.3)
    axes.legend()
    return _to_png(figure)


def confusion_png(
    confusion: Sequence[Sequence[int]], class_names: Sequence[str], words: Mapping[str, str]
) -> bytes | None:
    """A heatmap of a confusion matrix with the count in every cell; None when it is empty."""
    size = len(confusion)
    if size == 0 or any(len(row) != size for row in confusion):
        return None
    names = list(class_names) if len(class_names) == size else [str(i) for i in range(size)]
    side = min(9.0, 2.5 + 0.55 * size)
    figure = _new_figure(figsize=(side + 1.0, side))
    axes = figure.add_subplot()
    image = axes.imshow(confusion, cmap="Blues")
    figure.colorbar(image, ax=axes, shrink=0.8)
    peak = max((max(row) for row in confusion), default=0)
    font = 10 if size <= 10 else max(5, 14 - size // 2)
    for row in range(size):
        for column in range(size):
            count = confusion[row][column]
            # Dark cells get white digits so every count stays legible.
            colour = "white" if peak and count > 0.6 * peak else "black"
            axes.text(column, row, str(count), ha="center", va="center", color=colour, fontsize=font)
    # Long class names ("Suspect Donor") run into each other unless they slant.
    slant = size > 6 or max(len(n) for n in names) > 8
    axes.set_xticks(
        range(size),
        labels=names,
        rotation=35 if slant else 0,
        ha="right" if slant else "center",
        rotation_mode="anchor",
    )
    axes.set_yticks(range(size), labels=names)
    axes.set_xlabel(words["predicted_class"])
    axes.set_ylabel(words["true_class"])
    return _to_png(figure)


def score_histogram_png(percentages: Sequence[float], words: Mapping[str, str]) -> bytes | None:
    """How many students scored in each tenth of the maximum; None for an empty class."""
    if not percentages:
        return None
    figure = _new_figure(figsize=(6.4, 3.2))
    axes = figure.add_subplot()
    clipped = [min(100.0, max(0.0, p)) for p in percentages]
    axes.hist(clipped, bins=[10.0 * i for i in range(11)], color=_TRAIN_COLOUR, edgecolor="white")
    axes.set_xlim(0, 100)
    axes.set_xlabel(words["score_percent"])
    axes.set_ylabel(words["count"])
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _to_png(figure)
