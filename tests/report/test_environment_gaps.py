"""Environment gaps in the reports: the class page's list, grade's note, the terminal, the JSON."""

from __future__ import annotations

import io
import json
from dataclasses import replace

from rich.console import Console

from grader.export.results_file import result_from_json, result_to_json
from grader.models.environment import EnvironmentGap
from grader.report import gap_note, print_summary, render_class_html, render_submission_html

from .factories import item, make_result
from .htmlpage import parse

IMBLEARN = EnvironmentGap(
    "missing_package",
    "imblearn",
    2,
    "ModuleNotFoundError: No module named 'imblearn'",
    package="imbalanced-learn",
    affected=(2, 6, 7),
)
XGBOOST = EnvironmentGap("missing_package", "xgboost", 3, "ModuleNotFoundError: No module named 'xgboost'", "xgboost")
APPEND = EnvironmentGap(
    "removed_api",
    "pandas.DataFrame.append",
    5,
    "AttributeError: 'DataFrame' object has no attribute 'append'",
    removed_in="pandas 2.0",
    instead="pd.concat([...])",
)


def _class() -> list:
    review = replace(item("hcv.split", passed=False), judged=False, needs_review=True)
    return [
        replace(make_result(student="2201001", submission="a.ipynb"), environment_gaps=(IMBLEARN,)),
        replace(
            make_result(student="2201002", submission="b.ipynb", items=(review,)),
            environment_gaps=(IMBLEARN, XGBOOST, APPEND),
        ),
        make_result(student="2201003", submission="c.ipynb"),
    ]


def test_class_page_lists_each_gap_with_the_notebooks_it_affected() -> None:
    page = parse(render_class_html(_class()))
    gaps = page.find("tr", **{"class": "gap"})
    assert [(g["data-kind"], g["data-name"]) for g in gaps] == [
        ("missing_package", "imblearn"),
        ("missing_package", "xgboost"),
        ("removed_api", "pandas.DataFrame.append"),
    ]
    text = page.text("environment-gaps")
    assert "imblearn missing package pip install imbalanced-learn 2" in text
    assert "pandas.DataFrame.append removed API pd.concat([...]) · (pandas 2.0) 1" in text
    assert "Environment gaps" in text


def test_class_page_marks_an_item_that_needs_review() -> None:
    page = parse(render_class_html(_class()))
    assert "review" in [a["data-mark"] for a in page.find("td") if "data-mark" in a]


def test_class_page_in_indonesian_and_without_gaps() -> None:
    assert "paket tidak terpasang" in parse(render_class_html(_class(), lang="id")).text("environment-gaps")
    assert parse(render_class_html(_class()[2:])).text("environment-gaps") == ""


def test_grade_note_counts_submissions_and_names_what_is_missing() -> None:
    assert gap_note(_class()) == (
        "2 submission(s) need review: the grading environment lacks imblearn (2), xgboost (1), "
        "pandas.DataFrame.append (1)."
    )
    assert gap_note(_class(), "id").startswith("2 pengumpulan perlu ditinjau")
    assert gap_note(_class()[2:]) is None


def test_submission_reports_name_the_gap() -> None:
    result = _class()[0]
    buffer = io.StringIO()
    print_summary(result, Console(file=buffer, no_color=True, width=300), lang="en")
    assert "Environment gaps" in buffer.getvalue()
    assert "The grading environment has no `imblearn` (pip package imbalanced-learn)" in buffer.getvalue()
    page = parse(render_submission_html(result, None, lang="id"))
    assert "tidak memiliki `imblearn`" in page.text("environment-gaps")


def test_result_json_carries_environment_gaps_and_reads_them_back() -> None:
    result = _class()[1]
    data = json.loads(json.dumps(result_to_json(result, "en")))
    assert [g["name"] for g in data["environment_gaps"]] == ["imblearn", "xgboost", "pandas.DataFrame.append"]
    first = data["environment_gaps"][0]
    assert first["kind"] == "missing_package" and first["package"] == "imbalanced-learn"
    assert first["cells"] == [2, 6, 7] and "imblearn" in first["text"]
    assert result_from_json(data).environment_gaps == result.environment_gaps
    older = {k: v for k, v in data.items() if k != "environment_gaps"}  # a file written before gaps existed
    assert result_from_json(older).environment_gaps == ()
