"""The submission report in a real browser: it renders, its images load, nothing is fetched."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from grader.report import render_submission_html

from .browser import BROWSER_MARKS, chromium_page
from .factories import failing_cells, make_evidence, make_result

pytestmark = BROWSER_MARKS


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    image_module = pytest.importorskip("PIL.Image")
    report = tmp_path / "report.html"
    result = make_result(
        cells=failing_cells(),
        notes=("hcvdat0.csv was served from the grader's copy.",),
        rubric_title="Hepatitis C classifier",
    )
    report.write_text(render_submission_html(result, make_evidence()), encoding="utf-8")
    screenshot = tmp_path / "report.png"
    with chromium_page(tmp_path / "profile", 1100, 900) as watched:
        page = watched.page
        page.goto(report.as_uri(), wait_until="load")
        title = page.title()
        widths = page.eval_on_selector_all("img", "images => images.map(i => i.complete ? i.naturalWidth : 0)")
        page.screenshot(path=str(screenshot), full_page=True)
    assert "Hepatitis C classifier" in title and "2201001" in title
    assert len(widths) == 2 and all(w > 0 for w in widths), widths
    assert watched.problems == []
    assert all(url.startswith(("file:", "data:")) for url in watched.requested), watched.requested
    with image_module.open(io.BytesIO(screenshot.read_bytes())) as shot:
        rgb = shot.convert("RGB")
        assert rgb.width >= 1000 and rgb.height > 900  # full page: longer than the viewport
        colours = rgb.getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 50, "the screenshot is almost one colour"
        extrema = rgb.getextrema()
        assert any(low < 100 < high for low, high in extrema)
