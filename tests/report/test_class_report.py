"""The class dashboard: a section per rubric, who passed what, item pass rates, the score
histogram, needs review, links; names instead of "(no student id)"; self-contained."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from grader.i18n import labels
from grader.models.results import ItemResult
from grader.report import render_class_html

from .factories import item, make_result
from .htmlpage import Page, parse


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
        submission="subs/zz_unknown.ipynb",
        status="timeout",
        reason="cell 4 ran past its 600 s limit",
        items=(item("hcv.split", passed=False, max_points=20),),
    )
    return [anonymous, second, first]


def review_item(item_id: str) -> ItemResult:
    """An item the environment kept from being judged: no points, needs review."""
    plain = item(item_id, passed=False, max_points=10)
    return ItemResult(**{**plain.__dict__, "judged": False, "needs_review": True})


def report_links(page: Page) -> list[str]:
    return [a["href"] for a in page.find("a") if a.get("class") == "report"]


def test_table_of_students_sorted_by_name_with_links() -> None:
    links = {"subs/2201001_hw.ipynb": "2201001 report.html", "subs/2201002_hw.ipynb": "reports/2201002.html"}
    page = parse(render_class_html(class_results(), links=links))
    rows = page.find("tr", **{"class": "student"})
    assert [r["data-submission"] for r in rows] == [
        "subs/2201001_hw.ipynb",
        "subs/2201002_hw.ipynb",
        "subs/zz_unknown.ipynb",
    ]
    assert [r["data-status"] for r in rows] == ["graded", "graded", "timeout"]
    assert report_links(page) == ["2201001%20report.html", "reports/2201002.html"]
    assert page.text("count") == "3"
    text = page.text()
    assert "70 / 100" in text and "20 / 40" in text and "0 / 20" in text
    assert "time limit reached" in text


def test_every_student_has_a_name_never_the_placeholder() -> None:
    results = [
        make_result(student=None, submission="bundled/hcv/benar_gaya_sendiri.ipynb"),
        make_result(student="2201009", submission="lms/2201009_hw.ipynb"),
        make_result(student="12345", submission="dl/Ayu Lestari_12345_assignsubmission_file_/tugas.ipynb"),
        # a folder per student, every notebook named alike: the folder tells them apart
        make_result(student=None, submission="class/budi/hw.ipynb"),
        make_result(student=None, submission="class/citra/hw.ipynb"),
    ]
    html = render_class_html(results)
    page = parse(html)
    names = [a["data-v"] for a in page.find("td") if a.get("class") == "student-col"]
    assert names == ["2201009", "ayu lestari", "benar_gaya_sendiri", "budi/hw", "citra/hw"]
    assert "(no student id)" not in html
    row = next(r for r in page.find("tr") if r.get("data-submission", "").startswith("dl/"))
    assert "12345" in row["data-search"] and "ayu lestari" in row["data-search"]


def test_one_section_per_rubric_each_with_its_own_items() -> None:
    hcv = [make_result(student=f"h{i}", rubric="hcv") for i in range(3)]
    iris = [
        make_result(
            student=f"i{i}",
            rubric="iris",
            submission=f"iris/i{i}.ipynb",
            items=(item("iris.split", passed=i > 0), item("iris.metric")),
            rubric_title="Iris MLP",
        )
        for i in range(2)
    ]
    page = parse(render_class_html(hcv + iris))
    sections = page.find("section", **{"class": "rubric"})
    assert [s["data-rubric"] for s in sections] == ["hcv", "iris"]
    assert [s["id"] for s in sections] == ["rubric-hcv", "rubric-iris"]
    headers = [a["data-item"] for a in page.find("th") if "data-item" in a]
    # hcv's five items, then iris's two: never 7 columns side by side in one table
    hcv_items = ["hcv.split", "hcv.architecture", "hcv.loss_plot", "hcv.metric", "hcv.integrity"]
    assert headers == [*hcv_items, "iris.split", "iris.metric"]
    marks = [a["data-mark"] for a in page.find("td") if "data-mark" in a]
    assert len(marks) == 3 * 5 + 2 * 2
    assert "Iris MLP" in page.text("rubric") and page.find("a", href="#rubric-iris")
    # the overview compares assignments: students, mean share of the maximum, needs review, failing
    assert [r["data-rubric"] for r in page.find("tr") if "data-rubric" in r] == ["hcv", "iris"]
    assert page.text("assignments").endswith("hcv hcv 3 70% 0 3 Iris MLP iris 2 75% 0 1")


def test_per_item_marks_and_pass_rates() -> None:
    html = render_class_html(class_results())
    page = parse(html)
    marks = [a["data-mark"] for a in page.find("td") if "data-mark" in a]
    # Columns: split, architecture, loss_plot, metric, integrity; rows sorted by name.
    assert marks[:5] == ["pass", "pass", "fail", "pass", "fail"]
    assert marks[5:10] == ["pass", "", "fail", "", ""]
    assert marks[10:] == ["fail", "", "", "", ""]
    rows = [a["data-item"] for a in page.find("tr") if "data-item" in a]
    assert rows == ["hcv.split", "hcv.architecture", "hcv.loss_plot", "hcv.metric", "hcv.integrity"]
    text = " ".join(page.text().split())
    assert "split Train/validation/test split 66.7% (2/3)" in text
    assert "loss_plot Loss curves 0% (0/2)" in text


def test_needs_review_and_failing_counts_and_filters() -> None:
    results = [
        make_result(student="a", items=(item("x.a"), review_item("x.b"))),
        make_result(student="b", items=(item("x.a"), item("x.b"))),
        make_result(student="c", items=(item("x.a", passed=False), item("x.b"))),
    ]
    page = parse(render_class_html(results))
    rows = page.find("tr", **{"class": "student"})
    assert [(r["data-review"], r["data-failing"]) for r in rows] == [("1", "1"), ("0", "0"), ("0", "1")]
    assert page.text("review") == "1"
    marks = [a["data-mark"] for a in page.find("td") if "data-mark" in a]
    assert marks == ["pass", "review", "pass", "pass", "fail", "pass"]
    options = [a["value"] for a in page.find("option")]
    assert options == ["", "review", "failing", "graded"]


def test_histogram_is_inline_svg_with_a_bar_per_tenth() -> None:
    results = [make_result(student=s, items=(item("a", points=p),)) for s, p in (("a", 4.0), ("b", 6.0), ("c", 10.0))]
    html = render_class_html(results)
    page = parse(html)
    assert not page.find("img") and page.find("svg")
    bars = [int(a["data-count"]) for a in page.find("rect") if a.get("class") == "hbar"]
    assert bars == [0, 0, 0, 0, 1, 0, 1, 0, 0, 1]  # 40%, 60%, and 100% in the last tenth
    assert "90-100%: 1 students" in page.text()


def test_statistics_per_section_in_points_and_in_indonesian() -> None:
    results = [make_result(student=s, items=(item("a", points=p),)) for s, p in (("a", 4.0), ("b", 6.0), ("c", 10.0))]
    page = parse(render_class_html(results, lang="id"))
    text = page.text()
    assert "Rata-rata 6,67 Median 6 Terendah 4 Tertinggi 10" in text
    assert "Laporan kelas" in page.title and "Tingkat kelulusan" in text


@pytest.mark.parametrize("lang", ["en", "id"])
def test_dashboard_words_come_from_the_catalogue(lang: str) -> None:
    words = labels(lang)
    page = parse(render_class_html(class_results(), lang=lang))
    (search,) = page.find("input")
    assert search["placeholder"] == words["filter_text"]
    shown = [a for a in page.find("span") if "data-template" in a]
    assert shown[0]["data-template"] == words["rows_shown"]
    text = page.text()
    for key in ("assignments", "needs_review_count", "filter_all", "filter_review", "sort_hint", "distribution"):
        assert words[key] in text, key


def test_mixed_maxima_statistics_are_percentages() -> None:
    page = parse(render_class_html(class_results()))
    text = page.text()
    assert "Mean 40% Median 50% Lowest 0% Highest 70%" in text


def test_empty_class() -> None:
    page = parse(render_class_html([]))
    assert page.text("count") == "0" and not page.find("svg") and not page.find("section")


def test_self_contained_and_only_its_own_script_may_run() -> None:
    html = render_class_html(class_results(), links={"subs/2201001_hw.ipynb": "a.html"})
    page = parse(html)
    (csp,) = [a["content"] for a in page.find("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    assert len(scripts) == 1 and not page.find("script", src="")
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1]
    assert not [v for v in page.with_attr("src")]
    assert not [v for v in page.with_attr("href") if "//" in v or v.startswith(("http", "javascript"))]


def test_student_view_links_beside_the_reports() -> None:
    page = parse(
        render_class_html(
            class_results(),
            links={"subs/2201001_hw.ipynb": "a.html"},
            student_links={"subs/2201001_hw.ipynb": "a.student.html"},
        )
    )
    assert [a["href"] for a in page.find("a") if a.get("class") == "student-report muted"] == ["a.student.html"]


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
    page = parse(render_class_html(class_results(), links={"subs/zz_unknown.ipynb": link}))
    assert report_links(page) == [href]


@pytest.mark.parametrize("link", ["/etc/passwd", "//host/x.html", "\\\\host\\x.html", "C:\\reports\\x.html"])
def test_absolute_links_are_refused(link: str) -> None:
    with pytest.raises(ValueError, match="relative file name"):
        render_class_html(class_results(), links={"subs/zz_unknown.ipynb": link})


def test_an_overridden_item_is_marked_on_the_class_page() -> None:
    from grader.models.results import Override
    from grader.scoring.overrides import apply_overrides

    changed = apply_overrides(make_result(student="a", items=(item("x.a"), review_item("x.b"))), {"x.b": Override(10)})
    page = parse(render_class_html([changed, make_result(student="b", items=(item("x.a"), item("x.b")))]))
    cells = [a for a in page.find("td") if "data-mark" in a]
    assert [(a["data-mark"], a.get("data-overridden")) for a in cells] == [
        ("pass", None),
        ("pass", "1"),
        ("pass", None),
        ("pass", None),
    ]
    assert [a["title"] for a in cells if "title" in a] == ["changed by the instructor"]
    assert page.text("review") == "0"  # decided: no longer needs review
