"""Figures, captured before anything (``plt.show``, the inline backend, ``plt.close``) closes them.

Every route to a figure - pyplot, pandas' ``.plot``, seaborn, ``ConfusionMatrixDisplay`` - ends
in a matplotlib Figure, and every route to closing one goes through ``Gcf``; hooking those two
places catches them all.  Open figures are also captured at the end of each cell.
"""

from __future__ import annotations

import hashlib
import json
from types import ModuleType
from typing import Any

import numpy as np

from .session import Session

MAX_POINTS = 5000
MAX_IMAGE_CELLS = 40_000
MAX_TEXTS = 400


class FigureCapture:
    """Describes figures as plain data and emits each distinct state once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._last: dict[int, str] = {}

    def capture(self, figure: Any, reason: str) -> None:
        """Record ``figure`` unless it is unchanged since it was last recorded."""
        try:
            description = describe_figure(figure)
        except Exception as exc:
            self.session.hook_error("describe_figure", exc)
            return
        if not description["axes"]:
            return
        digest = hashlib.blake2b(
            json.dumps(description, sort_keys=True, default=str).encode(), digest_size=12
        ).hexdigest()
        if self._last.get(id(figure)) == digest:
            return
        self._last[id(figure)] = digest
        self.session.recorder.emit("figure", reason=reason, figure=description)

    def capture_open(self, reason: str) -> None:
        """Record every figure pyplot still holds."""
        gcf = _gcf()
        if gcf is None:
            return
        for manager in list(gcf.get_all_fig_managers()):
            self.capture(manager.canvas.figure, reason)


def _gcf() -> Any:
    import sys

    helpers = sys.modules.get("matplotlib._pylab_helpers")
    return getattr(helpers, "Gcf", None)


def patch_pyplot(session: Session, capture: FigureCapture, _pyplot: ModuleType) -> None:
    """Capture figures just before pyplot closes them, and before they are saved."""
    import matplotlib.figure
    from matplotlib._pylab_helpers import Gcf

    def before_destroy(original):
        def destroy(cls, num):
            try:
                manager = num if hasattr(num, "canvas") else cls.figs.get(num)
                if manager is not None:
                    capture.capture(manager.canvas.figure, "close")
            except Exception as exc:
                session.hook_error("Gcf.destroy", exc)
            return original(cls, num)

        return destroy

    def before_destroy_all(original):
        def destroy_all(cls):
            capture.capture_open("close")
            return original(cls)

        return destroy_all

    def before_savefig(original):
        def savefig(self, *args, **kwargs):
            capture.capture(self, "savefig")
            return original(self, *args, **kwargs)

        return savefig

    session.wrap(Gcf, "destroy", before_destroy)
    session.wrap(Gcf, "destroy_all", before_destroy_all)
    session.wrap(matplotlib.figure.Figure, "savefig", before_savefig)


def _floats(values: Any) -> list[float | None]:
    try:
        arr = np.asarray(values, dtype=float).ravel()[:MAX_POINTS]
    except (TypeError, ValueError):
        return []
    return [float(v) if np.isfinite(v) else None for v in arr]


def _grid(values: Any) -> dict[str, Any] | None:
    try:
        arr = np.ma.filled(np.ma.asarray(values).astype(float), np.nan)
    except (TypeError, ValueError):
        return None
    entry: dict[str, Any] = {"shape": list(arr.shape)}
    if arr.size <= MAX_IMAGE_CELLS and arr.ndim == 2:
        entry["values"] = [[float(v) if np.isfinite(v) else None for v in row] for row in arr]
    return entry


def describe_axes(ax: Any) -> dict[str, Any]:
    """Titles, labels, legend, lines, images and heatmaps of one Axes, as plain data."""
    _, labels = ax.get_legend_handles_labels()
    legend = ax.get_legend()
    entry: dict[str, Any] = {
        "title": ax.get_title() or ax.get_title("left") or ax.get_title("right"),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "legend": [t.get_text() for t in legend.get_texts()] if legend else list(labels),
        "lines": [],
        "images": [],
        "meshes": [],
        "texts": [t.get_text() for t in ax.texts][:MAX_TEXTS],
        "xticklabels": [t.get_text() for t in ax.get_xticklabels()][:100],
        "yticklabels": [t.get_text() for t in ax.get_yticklabels()][:100],
        "bars": len(ax.patches),
    }
    for line in ax.get_lines():
        label = line.get_label()
        entry["lines"].append(
            {
                "label": "" if label.startswith("_") else label,
                "x": _floats(line.get_xdata()),
                "y": _floats(line.get_ydata()),
            }
        )
    for image in ax.get_images():
        grid = _grid(image.get_array())
        if grid is not None:
            entry["images"].append(grid)
    for collection in ax.collections:
        if type(collection).__name__ == "QuadMesh":
            values = collection.get_array()
            try:
                rows, cols = (s - 1 for s in collection.get_coordinates().shape[:2])
                values = np.ma.asarray(values).reshape(rows, cols)
            except Exception:
                pass
            grid = _grid(values)
            if grid is not None:
                entry["meshes"].append(grid)
    return entry


def describe_figure(figure: Any) -> dict[str, Any]:
    """Every Axes of a figure, plus its suptitle and figure-level legends."""
    suptitle = getattr(figure, "_suptitle", None)
    legends = []
    for legend in getattr(figure, "legends", []):
        legends.extend(t.get_text() for t in legend.get_texts())
    axes = [describe_axes(ax) for ax in figure.get_axes() if not _is_colorbar(ax)]
    return {
        "number": getattr(figure, "number", None),
        "suptitle": suptitle.get_text() if suptitle is not None else "",
        "legend": legends,
        "axes": axes,
    }


def _is_colorbar(ax: Any) -> bool:
    return getattr(ax, "_colorbar", None) is not None or ax.get_label() == "<colorbar>"
