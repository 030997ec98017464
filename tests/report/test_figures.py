"""The redrawn pictures: PNG bytes, drawn without pyplot."""

from __future__ import annotations

import io

from PIL import Image

from grader.report.figures import (
    confusion_png,
    loss_curve_png,
    png_data_uri,
    score_histogram_png,
)
from grader.report.labels import labels_for

from .factories import CONFUSION, LABELS, loss_fit

WORDS = labels_for("en")


def colours(png: bytes) -> int:
    """Distinct colours in a PNG (a blank picture has one or two)."""
    with Image.open(io.BytesIO(png)) as picture:
        return len(picture.convert("RGB").getcolors(maxcolors=1 << 20) or ())


def test_loss_curves_are_a_png_with_content() -> None:
    png = loss_curve_png(loss_fit().history, WORDS)
    assert png is not None and png.startswith(b"\x89PNG")
    assert colours(png) > 20


def test_loss_curves_need_a_loss_series() -> None:
    assert loss_curve_png({}, WORDS) is None
    assert loss_curve_png({"accuracy": (0.5, 0.7)}, WORDS) is None
    assert loss_curve_png({"loss": (float("nan"), float("inf"))}, WORDS) is None
    assert loss_curve_png({"loss": (0.7,)}, WORDS) is not None  # one epoch still draws


def test_confusion_heatmap() -> None:
    png = confusion_png(CONFUSION, LABELS, WORDS)
    assert png is not None and colours(png) > 20
    assert confusion_png((), (), WORDS) is None
    assert confusion_png(((1, 2), (3,)), ("a", "b"), WORDS) is None  # ragged
    assert confusion_png(((1, 2), (3, 4)), (), WORDS) is not None  # unnamed classes


def test_large_confusion_matrix() -> None:
    matrix = tuple(tuple(100 if i == j else 1 for j in range(20)) for i in range(20))
    assert confusion_png(matrix, tuple(str(i) for i in range(20)), WORDS) is not None


def test_score_histogram() -> None:
    assert score_histogram_png([], WORDS) is None
    png = score_histogram_png([10.0, 55.0, 70.0, 70.0, 100.0, 120.0], WORDS)
    assert png is not None and png.startswith(b"\x89PNG")


def test_data_uri() -> None:
    assert png_data_uri(b"\x89PNG") == "data:image/png;base64,iVBORw=="
