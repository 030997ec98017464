"""The submission report in a real browser: it renders, its images load, nothing is fetched."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from grader.report import render_submission_html

from .factories import failing_cells, make_evidence, make_result

CHROMIUM = Path("/usr/bin/chromium")
# No network, no first-run work, no GPU: a sandboxed CI box has none of them.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed"),
]


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    image_module = pytest.importorskip("PIL.Image")
    report = tmp_path / "report.html"
    result = make_result(
        cells=failing_cells(),
        notes=("hcvdat0.csv was served from the grader's copy.",),
        rubric_title="Hepatitis C classifier",
    )
    report.write_text(render_submission_html(result, make_evidence()), encoding="utf-8")
    screenshot = tmp_path / "report.png"
    problems: list[str] = []
    requested: list[str] = []
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1100, "height": 900},
        )
        try:
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("request", lambda request: requested.append(request.url))
            page.goto(report.as_uri(), wait_until="load")
            title = page.title()
            widths = page.eval_on_selector_all("img", "images => images.map(i => i.complete ? i.naturalWidth : 0)")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            context.close()
    assert "Hepatitis C classifier" in title and "2201001" in title
    assert len(widths) == 2 and all(w > 0 for w in widths), widths
    assert problems == []
    assert all(url.startswith(("file:", "data:")) for url in requested), requested
    with image_module.open(io.BytesIO(screenshot.read_bytes())) as shot:
        rgb = shot.convert("RGB")
        assert rgb.width >= 1000 and rgb.height > 900  # full page: longer than the viewport
        colours = rgb.getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 50, "the screenshot is almost one colour"
        extrema = rgb.getextrema()
        assert any(low < 100 < high for low, high in extrema)
