"""Every export format, written from results.jsonl and read back."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from grader.errors import ConfigError
from grader.export import export_results, read_results
from grader.models.results import Result

from .builders import (
    LOSS_FEEDBACK,
    OVERRIDE_COMMENT,
    class_results,
    export_one,
    overridden,
    result,
    scored,
    write_results,
)


def read_csv(path: Path) -> list[list[str]]:
    """Rows of a CSV as written (no type conversion)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_results_jsonl_round_trips_to_results(results_dir: Path) -> None:
    assert read_results(results_dir) == class_results()


def test_plain_csv(results_dir: Path) -> None:
    path = export_one(results_dir, "csv")
    assert path == results_dir / "grades.csv"
    rows = read_csv(path)
    assert rows[0] == [
        "student",
        "submission",
        "status",
        "score",
        "max_score",
        "hcv.split",
        "hcv.loss_plot",
        "hcv.integrity",
    ]
    assert rows[1] == ["2201001", "subs/2201001_hw.ipynb", "graded", "27.5", "50", "20", "0", "7.5"]
    assert rows[2] == ["", "subs/anonymous.ipynb", "graded", "40", "40", "20", "20", ""]
    assert rows[3][:3] == ['\'=HYPERLINK("x")', "subs/evil.ipynb", "timeout"]  # never a formula


def test_junit(results_dir: Path) -> None:
    path = export_one(results_dir, "junit")
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("7", "3", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["2201001", "anonymous", '=HYPERLINK("x")']
    first = suites[0]
    props = {p.get("name"): p.get("value") for p in first.find("properties")}
    assert props["score"] == "27.5" and props["status"] == "graded"
    cases = first.findall("testcase")
    assert [c.get("name") for c in cases] == ["hcv.split", "hcv.loss_plot", "hcv.integrity"]
    failure = cases[1].find("failure")
    assert failure is not None and failure.text == LOSS_FEEDBACK
    assert failure.get("message") == "No validation loss curve."
    assert cases[0].find("failure") is None
    timed_out = suites[2]
    error = timed_out.find("testcase/error")
    assert error is not None and error.get("type") == "timeout"
    assert timed_out.find("testcase/failure").text == "no split[31m found"  # control chars gone
    assert "code cell 1: ran past 600 s" in timed_out.find("system-out").text  # the first code cell


@pytest.mark.parametrize(
    ("typo", "suggestion"), [("cvs", "csv"), ("gradscope", "gradescope"), ("Moodle", "moodle"), ("junt", "junit")]
)
def test_unknown_format_suggests_the_closest(results_dir: Path, typo: str, suggestion: str) -> None:
    with pytest.raises(ConfigError, match=f"did you mean '{suggestion}'"):
        export_one(results_dir, typo)


def test_unknown_format_without_a_close_name(results_dir: Path) -> None:
    with pytest.raises(ConfigError, match="choose from csv, canvas, moodle, gradescope, junit"):
        export_one(results_dir, "xlsx")


def test_missing_results_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"results\.jsonl does not exist"):
        export_one(tmp_path, "csv")


def test_bad_line_names_file_and_line(results_dir: Path) -> None:
    with open(results_dir / "results.jsonl", "a", encoding="utf-8") as handle:
        handle.write('\n{"schema": 1, "submission": "x"}\n')
    with pytest.raises(ConfigError, match=r"results\.jsonl:5: not a result JSON line"):
        export_one(results_dir, "csv")


def test_other_schema_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "results.jsonl").write_text(json.dumps({"schema": 2, "submission": "x", "status": "graded"}) + "\n")
    with pytest.raises(ConfigError, match="schema 2"):
        export_one(folder, "csv")


JENKINS_XSD = Path(__file__).parent / "fixtures" / "jenkins-junit.xsd"


def _xmllint(schema: Path, document: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["xmllint", "--noout", "--schema", str(schema), str(document)], capture_output=True, text=True, check=False
    )


@pytest.mark.skipif(shutil.which("xmllint") is None, reason="xmllint (libxml2-utils) is not installed")
def test_junit_is_valid_against_the_jenkins_schema(results_dir: Path, tmp_path: Path) -> None:
    checked = _xmllint(JENKINS_XSD, export_one(results_dir, "junit"))
    assert checked.returncode == 0, checked.stderr
    # The schema fixture can fail: a property inside a testcase (the old layout) is refused.
    bad = tmp_path / "bad.xml"
    bad.write_text(
        '<testsuites><testsuite name="s" tests="1"><testcase name="c">'
        '<properties><property name="p" value="v"/></properties></testcase></testsuite></testsuites>',
        encoding="utf-8",
    )
    assert _xmllint(JENKINS_XSD, bad).returncode != 0


def test_junit_item_points_are_the_case_output(results_dir: Path) -> None:
    case = ET.parse(export_one(results_dir, "junit")).getroot().find("testsuite/testcase[@name='hcv.integrity']")
    assert case is not None and case.find("properties") is None
    assert case.find("system-out").text == "Secret claims\n7.5/10 (hidden)"


def _two_rubrics() -> list[Result]:
    first = class_results()
    return [*first, replace(result("2201001", "lab2/2201001.ipynb", (scored("mlp.split", 5, 10),)), rubric="mlp")]


def test_several_rubrics_give_one_export_each(tmp_path: Path) -> None:
    folder = write_results(tmp_path / "out", _two_rubrics())
    written = export_results(folder, "csv")
    assert written == [folder / "by-rubric" / "hcv" / "grades.csv", folder / "by-rubric" / "mlp" / "grades.csv"]
    assert [len(read_csv(p)) for p in written] == [4, 2]  # header + that rubric's submissions
    assert read_csv(written[1])[0][-1] == "mlp.split"  # no column of the other rubric's items


def test_one_assignment_id_for_several_rubrics_is_one_line(tmp_path: Path) -> None:
    folder = write_results(tmp_path / "out", _two_rubrics())
    with pytest.raises(ConfigError, match="holds 2 rubrics"):
        export_results(folder, "canvas", assignment_id=3)


def test_export_help_lists_every_format_and_its_file(capsys: pytest.CaptureFixture[str]) -> None:
    from grader.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["export", "--help"])
    text = capsys.readouterr().out
    for name, where in [
        ("csv", "grades.csv"),
        ("canvas", "canvas.csv"),
        ("moodle", "moodle.csv"),
        ("gradescope", "gradescope/"),
        ("junit", "junit.xml"),
    ]:
        assert re.search(rf"^  {name} +{re.escape(where)}", text, re.MULTILINE), name
    assert "by-rubric/<rubric>/" in text


def test_cli_prints_each_file_and_warns_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from grader.cli import main

    folder = write_results(tmp_path / "out", class_results())
    assert main(["export", str(folder), "--format", "moodle"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(folder / "moodle.csv")
    assert err.count("warning: ") == 3 and "subs/anonymous.ipynb: no Moodle participant id" in err


def test_an_override_shows_in_the_csv_and_junit(tmp_path: Path) -> None:
    folder = write_results(tmp_path / "out", overridden(class_results(), "hcv.loss_plot", 15))
    rows = read_csv(export_one(folder, "csv"))
    assert rows[1] == ["2201001", "subs/2201001_hw.ipynb", "graded", "42.5", "50", "20", "15", "7.5"]
    path = export_one(folder, "junit")
    case = ET.parse(path).getroot().find("testsuite/testcase[@name='hcv.loss_plot']")
    assert case is not None and OVERRIDE_COMMENT in case.find("failure").text  # 15 of 20: still a fail
    assert "Changed by the instructor from 0 to 15 points" in case.find("system-out").text
    props = {p.get("name"): p.get("value") for p in ET.parse(path).getroot().find("testsuite/properties")}
    assert props["score"] == "42.5"
    full = write_results(tmp_path / "full", overridden(class_results(), "hcv.loss_plot", 20))
    case = ET.parse(export_one(full, "junit")).getroot().find("testsuite/testcase[@name='hcv.loss_plot']")
    assert case.find("failure") is None and OVERRIDE_COMMENT in case.find("system-out").text  # a pass now
    if shutil.which("xmllint"):
        checked = _xmllint(JENKINS_XSD, full / "junit.xml")
        assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("fmt", ["csv", "canvas", "moodle", "junit", "gradescope"])
def test_every_export_is_readable_by_the_group_whatever_the_umask(tmp_path: Path, fmt: str) -> None:
    import os
    import stat

    folder = write_results(tmp_path / "out", _two_rubrics())
    previous = os.umask(0o077)  # an instructor's private umask: a TA or the LMS script must still read it
    try:
        export_results(folder, fmt)
    finally:
        os.umask(previous)
    made = [p for p in (folder / "by-rubric").rglob("*")]
    assert made
    for path in made:
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.is_dir():
            assert mode == 0o755, path
        else:
            assert mode & 0o044 == 0o044, (path, oct(mode))  # 0644, or 0755 for Gradescope's scripts
