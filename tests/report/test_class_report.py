"""The class page: table of students, item pass rates, score distribution, links."""

from __future__ import annotations

import pytest

from grader.report import render_class_html

from .factories import item, make_result
from .htmlpage import parse


def class_results():
    """Three submissions: full rubric, part of it, and an anonymous timeout."""
    first = make_result(student="2201001", submission="subs/2201001_hw.ipynb")
    second = make_result(
        student="2201002",
        submission="subs/2201002_hw.ipynb",
        items=(item("hcv.split", max_points=20), item("hcv.loss_plot", passed=False, max_points=20)),
    )
    anonymous = make_result(
        student=None,
        submission="subs/unknown.ipynb",
        status="timeout",
        reason="cell 4 ran past its 600 s limit",
        items=(item("hcv.split", passed=False, max_points=20),),
    )
    return [anonymous, second, first]


def test_table_of_students_sorted_with_links() -> None:
    links = {"subs/2201001_hw.ipynb": "2201001 report.html", "subs/2201002_hw.ipynb": "reports/2201002.html"}
    page = parse(render_class_html(class_results(), links=links))
    rows = page.find("tr", **{"class": "student"})
    assert [r["data-submission"] for r in rows] == [
        "subs/2201001_hw.ipynb",
        "subs/2201002_hw.ipynb",
        "subs/unknown.ipynb",
    ]
    assert [r["data-status"] for r in rows] == ["graded", "graded", "timeout"]
    assert page.with_attr("href") == ["2201001%20report.html", "reports/2201002.html"]
    assert page.text("count") == "3"
    text = page.text("students")
    assert "70 / 100" in text and "20 / 40" in text and "0 / 20" in text
    assert "(no student id)" in text and "time limit reached" in text


def test_per_item_marks_and_pass_rates() -> None:
    page = parse(render_class_html(class_results()))
    marks = [a["data-mark"] for a in page.find("td") if "data-mark" in a]
    # Columns: split, architecture, loss_plot, metric, integrity; rows sorted by student.
    assert marks[:5] == ["pass", "pass", "fail", "pass", "fail"]
    assert marks[5:10] == ["pass", "", "fail", "", ""]
    assert marks[10:] == ["fail", "", "", "", ""]
    rates = {a["data-item"]: None for a in page.find("td") if "data-item" in a}
    assert list(rates) == ["hcv.split", "hcv.architecture", "hcv.loss_plot", "hcv.metric", "hcv.integrity"]
    assert "hcv.split Train/validation/test split 66.7% (2/3)" in page.text("items")
    assert "hcv.loss_plot Loss curves 0% (0/2)" in page.text("items")


def test_distribution_and_statistics() -> None:
    page = parse(render_class_html(class_results()))
    assert page.find("section", id="distribution")
    (image,) = page.find("img")
    assert image["src"].startswith("data:image/png;base64,")
    # Different maxima: statistics are percentages (70%, 50%, 0%).
    assert page.text("stats") == "Mean 40% Median 50% Lowest 0% Highest 70%"


def test_same_maximum_statistics_in_points() -> None:
    results = [make_result(student=s, items=(item("a", points=p),)) for s, p in (("a", 4.0), ("b", 6.0), ("c", 10.0))]
    page = parse(render_class_html(results, lang="id"))
    assert page.text("stats") == "Rata-rata 6,67 Median 6 Terendah 4 Tertinggi 10"
    assert "Laporan kelas" in page.title and "Tingkat kelulusan" in page.text()


def test_empty_class() -> None:
    page = parse(render_class_html([]))
    assert page.text("count") == "0" and not page.find("img")


@pytest.mark.parametrize(
    ("link", "href"),
    [
        ("hw:1.html", "hw%3A1.html"),
        ("javascript:alert(1)", "javascript%3Aalert%281%29"),
        ("https://example.org/r.html", "https%3A//example.org/r.html"),
        ("../2025/a b.html", "../2025/a%20b.html"),
    ],
)
def test_links_are_always_file_names(link: str, href: str) -> None:
    page = parse(render_class_html(class_results(), links={"subs/unknown.ipynb": link}))
    assert page.with_attr("href") == [href]


@pytest.mark.parametrize("link", ["/etc/passwd", "//host/x.html", "\\\\host\\x.html", "C:\\reports\\x.html"])
def test_absolute_links_are_refused(link: str) -> None:
    with pytest.raises(ValueError, match="relative file name"):
        render_class_html(class_results(), links={"subs/unknown.ipynb": link})
