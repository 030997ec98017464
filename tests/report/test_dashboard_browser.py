"""The class dashboard in headless Chromium at 1280 px: 300 students across 2 rubrics of 12
items; it sorts, filters by text and status, follows a report link, stays readable, and says
nothing on the console.  Set DASHBOARD_SCREENSHOTS=DIR to keep its screenshots there."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from grader.models.results import ItemResult, Result
from grader.report import render_class_html, render_submission_html

from .browser import BROWSER_MARKS, chromium_page
from .factories import item, make_result

pytestmark = BROWSER_MARKS

WIDTH, HEIGHT = 1280, 800
RUBRICS = {"hcv": "Hepatitis C classifier", "mnist_cnn": "MNIST CNN"}
ITEMS = 12


def _items(rubric: str, rng: random.Random, skill: float) -> tuple[ItemResult, ...]:
    made = []
    for n in range(ITEMS):
        one = item(f"{rubric}.item_{n:02d}", passed=rng.random() < skill, max_points=5, title=f"{rubric} item {n}")
        if not one.passed and rng.random() < 0.1:  # kept from being judged by the environment
            one = ItemResult(**{**one.__dict__, "judged": False, "needs_review": True})
        made.append(one)
    return tuple(made)


def synthetic_class(count: int = 300) -> list[Result]:
    """``count`` results, alternating between the two rubrics, with LMS ids, Moodle names,
    plain file names, timeouts and items that need review."""
    rng = random.Random(11)
    results = []
    for n in range(count):
        rubric = list(RUBRICS)[n % 2]
        if n % 10 == 4:  # a Moodle download: the full name and the participant id
            student, submission = str(500 + n), f"moodle/Siswa Nomor {n}_{500 + n}_assignsubmission_file_/tugas.ipynb"
        elif n % 10 == 7:  # a bundled folder: no id at all, the file name says who
            student, submission = None, f"kelas/{rubric}/notebook_{n:03d}.ipynb"
        else:
            student, submission = f"2201{n:04d}", f"canvas/2201{n:04d}_{rubric}.ipynb"
        if n % 25 == 5:
            result = make_result(
                (item(f"{rubric}.item_00", passed=False, max_points=5),),
                status="timeout",
                student=student,
                submission=submission,
                rubric=rubric,
                reason="cell 4 ran past its 600 s limit",
                rubric_title=RUBRICS[rubric],
            )
        else:
            items = _items(rubric, rng, skill=rng.uniform(0.3, 1.0))
            result = make_result(
                items, student=student, submission=submission, rubric=rubric, rubric_title=RUBRICS[rubric]
            )
        results.append(result)
    return results


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Result]]:
    folder = tmp_path_factory.mktemp("dashboard")
    results = synthetic_class()
    links = {}
    for n, result in enumerate(results):
        name = f"report {n:03d}.html"
        (folder / name).write_text(render_submission_html(result, None), encoding="utf-8")
        links[result.submission] = name
    (folder / "index.html").write_text(render_class_html(results, links=links), encoding="utf-8")
    return folder, results


def visible_values(page, section: str, column: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#{section} table.students tbody tr:not([hidden])",
        f"rows => rows.map(r => r.cells[{column}].getAttribute('data-v'))",
    )


def test_dashboard_in_chromium(dashboard: tuple[Path, list[Result]], tmp_path: Path) -> None:
    folder, results = dashboard
    hcv = [r for r in results if r.rubric == "hcv"]
    with chromium_page(tmp_path / "profile", WIDTH, HEIGHT) as watched:
        page = watched.page
        page.goto((folder / "index.html").as_uri(), wait_until="load")
        page.screenshot(path=str(tmp_path / "dashboard_full.png"), full_page=True)

        # readable at 1280 px: one section per rubric, a wide student column, no sideways scrolling
        assert page.eval_on_selector_all("section.rubric", "s => s.map(e => e.id)") == [
            "rubric-hcv",
            "rubric-mnist_cnn",
        ]
        widths = page.eval_on_selector_all("th.student-col", "ths => ths.map(t => t.getBoundingClientRect().width)")
        assert len(widths) == 2 and min(widths) >= 120, widths
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        overflow = page.eval_on_selector_all("div.table-wrap", "ws => ws.map(w => w.scrollWidth - w.clientWidth)")
        assert overflow == [0, 0]
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= 4 * HEIGHT, height
        assert page.eval_on_selector_all("#rubric-hcv th.item-col", "t => t.length") == ITEMS
        names = page.eval_on_selector_all("td.student-col", "cells => cells.map(c => c.querySelector('a').textContent)")
        assert len(names) == 300 and not [n for n in names if "no student id" in n]
        assert "Siswa Nomor 4" in names and "notebook_007" in names

        # sort by score: highest first, then a second click reverses
        score = page.locator("#rubric-hcv th.score-col button")
        score.click()
        values = [float(v) for v in visible_values(page, "rubric-hcv", 1)]
        assert len(values) == len(hcv) and values == sorted(values, reverse=True) and values[0] > values[-1]
        score.click()
        values = [float(v) for v in visible_values(page, "rubric-hcv", 1)]
        assert values == sorted(values)
        assert page.get_attribute("#rubric-hcv th.score-col", "aria-sort") == "ascending"

        # filter by status, then by text as well
        status = page.locator("#rubric-hcv select.filter-status")
        status.select_option("timeout")
        timeouts = sum(r.status == "timeout" for r in hcv)
        assert timeouts > 0
        assert visible_values(page, "rubric-hcv", 2) == ["timeout"] * timeouts
        status.select_option("review")
        review = sum(any(i.needs_review for i in r.items) for r in hcv)
        assert 0 < review < len(hcv)
        assert len(visible_values(page, "rubric-hcv", 3)) == review
        assert "0" not in visible_values(page, "rubric-hcv", 3)
        status.select_option("")
        search = page.locator("#rubric-hcv input.filter-text")
        search.fill("Nomor 14_514")  # the Moodle folder, any case
        assert visible_values(page, "rubric-hcv", 0) == ["siswa nomor 14"]
        shown = page.text_content("#rubric-hcv .shown") or ""
        assert shown.strip() == f"1 of {len(hcv)} shown"
        page.screenshot(path=str(tmp_path / "dashboard_filtered.png"), full_page=False)

        # follow the one row's link to its report
        page.locator("#rubric-hcv tbody tr:not([hidden]) a.report").click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/report%20014.html")
        assert "Siswa Nomor 14" in page.title()
    assert watched.problems == []
    assert all(url.startswith(("file:", "data:")) for url in watched.requested), watched.requested
    keep = os.environ.get("DASHBOARD_SCREENSHOTS")
    if keep:
        for shot in ("dashboard_full.png", "dashboard_filtered.png"):
            shutil.copy(tmp_path / shot, Path(keep) / shot)
