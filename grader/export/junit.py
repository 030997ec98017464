"""JUnit XML: one testsuite per submission, one testcase per item, for CI dashboards."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from ..fileio import SHARED, write_text_atomic
from ..i18n import feedback_text, labels, note_texts, override_message, render, title_text
from ..models.results import Result
from .options import DEFAULT_OPTIONS, ExportOptions
from .summary import number, status_line, student_key

JUNIT_FILE = "junit.xml"
# Characters XML 1.0 forbids; tracebacks can carry them (ANSI escapes, NUL).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _properties(parent: ET.Element, values: dict[str, str]) -> None:
    """Suite-level properties: the only place the Jenkins schema allows them."""
    properties = ET.SubElement(parent, "properties")
    for name, value in values.items():
        ET.SubElement(properties, "property", name=name, value=_xml(value))


def _late_properties(result: Result) -> dict[str, str]:
    """How the late penalty reached ``score`` (graded with ``--due``); nothing otherwise."""
    late = result.late
    if late is None:
        return {}
    return {
        "due": late.due,
        "submitted_at": late.submitted_at or "",
        "minutes_late": "" if late.minutes_late is None else str(late.minutes_late),
        "late_penalty_percent": number(late.percent),
        "score_before_late": number(late.score_before),
    }


def _suite(result: Result, lang: str) -> ET.Element:
    failures = sum(not i.passed for i in result.items)
    errors = 0 if result.status == "graded" else 1
    suite = ET.Element(
        "testsuite",
        name=_xml(student_key(result)),
        tests=str(len(result.items) + errors),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time=f"{result.duration_s:.3f}",
    )
    _properties(
        suite,
        {
            "submission": result.submission,
            "student": result.student or "",
            "rubric": result.rubric,
            "status": result.status,
            "score": number(result.score),
            "max_score": number(result.max_score),
            **_late_properties(result),
        },
    )
    if errors:
        # A run that did not complete is an error of the submission as a whole.
        case = ET.SubElement(suite, "testcase", classname=_xml(result.rubric), name="status")
        ET.SubElement(case, "error", message=_xml(status_line(result)), type=result.status).text = _xml(result.reason)
    for item in result.items:
        title, feedback = title_text(item, lang), feedback_text(item, lang)
        case = ET.SubElement(suite, "testcase", classname=_xml(result.rubric), name=_xml(item.id), time="0")
        if not item.passed:
            failure = ET.SubElement(case, "failure", type=item.check, message=_xml(_first_line(feedback) or title))
            failure.text = _xml(feedback)
        # The Jenkins schema allows no properties in a testcase: the item's title and points are
        # its output, after the failure as the schema orders them.
        points = f"{number(item.points)}/{number(item.max_points)}"
        out = f"{title}\n{points} ({item.visibility})"
        override = override_message(item)
        if override is not None:  # the instructor's points and comment, on a pass too
            out += f"\n{render(override, lang)}"
        ET.SubElement(case, "system-out").text = _xml(out)
    where = labels(lang)["cell_number"]  # code cells numbered as Jupyter numbers them
    cell_errors = [f"{where.format(index=n)}: {c.error}" for n, c in enumerate(result.cells, start=1) if c.error]
    notes = note_texts(result, lang)
    if cell_errors or notes:
        ET.SubElement(suite, "system-out").text = _xml("\n".join([*cell_errors, *notes]))
    return suite


def write_junit(results: Sequence[Result], results_dir: Path, options: ExportOptions = DEFAULT_OPTIONS) -> Path:
    """``junit.xml`` with a ``testsuites`` root holding every submission."""
    lang = options.lang
    root = ET.Element(
        "testsuites",
        name="grader",
        tests=str(sum(len(r.items) + (r.status != "graded") for r in results)),
        failures=str(sum(not i.passed for r in results for i in r.items)),
        errors=str(sum(r.status != "graded" for r in results)),
    )
    for result in results:
        root.append(_suite(result, lang))
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=True)
    return write_text_atomic(results_dir / JUNIT_FILE, text + "\n", mode=SHARED)
