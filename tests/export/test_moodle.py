"""The Moodle offline grading worksheet, read as Moodle's importer reads it."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from grader.models.lms import MoodleParticipant, moodle_participant

from .builders import OVERRIDE_COMMENT, class_results, export_one, moodle_results, overridden, write_results

WORKSHEET = Path(__file__).parent / "fixtures" / "moodle-grading-worksheet.csv"
# What Moodle's own download holds (mod/assign gradingtable.php, English strings), in order, for an
# assignment with file submissions, feedback comments on and the email address shown.
MOODLE_HEADER = [
    "Identifier",
    "Full name",
    "Email address",
    "Status",
    "Grade",
    "Maximum Grade",
    "Grade can be changed",
    "Last modified (submission)",
    "Last modified (grade)",
    "Feedback comments",
]


def _moodle_time(text: str) -> datetime | None:
    """PHP strtotime on the two forms a worksheet holds: Moodle's own date and ISO 8601."""
    for parse in (datetime.fromisoformat, lambda t: datetime.strptime(t, "%A, %d %B %Y, %I:%M %p")):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def moodle_import(text: str) -> dict[int, tuple[float | None, datetime | None, str]]:
    """Rows as assignfeedback_offline's importer takes them: columns found by header name
    (Identifier, Grade and Last modified (grade) required), the participant id is what follows
    "Participant ", the grade a number or empty. {participant id: (grade, modified, feedback)}."""
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    for required in ("Identifier", "Grade", "Last modified (grade)"):
        assert required in header, f"Moodle refuses a worksheet without '{required}'"
    at = {name: header.index(name) for name in header}
    imported = {}
    for row in rows[1:]:
        match = re.fullmatch(r"Participant (\d+)", row[at["Identifier"]])
        assert match, f"not a Moodle identifier: {row[at['Identifier']]!r}"
        grade = row[at["Grade"]]
        assert grade == "" or re.fullmatch(r"\d+(\.\d+)?", grade), f"not a grade: {grade!r}"
        imported[int(match.group(1))] = (
            float(grade) if grade else None,
            _moodle_time(row[at["Last modified (grade)"]]),
            row[at["Feedback comments"]] if "Feedback comments" in at else "",
        )
    return imported


def test_the_reader_reads_moodles_own_worksheet() -> None:
    text = WORKSHEET.read_text(encoding="utf-8")
    assert next(csv.reader(io.StringIO(text))) == MOODLE_HEADER
    imported = moodle_import(text)
    assert sorted(imported) == [311204, 311207, 311215]
    assert imported[311207][:2] == (82.5, datetime(2026, 11, 30, 14, 5))
    assert imported[311204] == (None, None, "")


def test_export_is_a_worksheet_moodle_imports(tmp_path: Path) -> None:
    warnings: list[str] = []
    folder = write_results(tmp_path / "out", moodle_results())
    path = export_one(folder, "moodle", warn=warnings.append)
    assert path == folder / "moodle.csv"
    text = path.read_text(encoding="utf-8")
    assert next(csv.reader(io.StringIO(text))) == MOODLE_HEADER
    imported = moodle_import(text)
    assert sorted(imported) == [98, 123456]  # participant ids from the download's names
    grade, modified, feedback = imported[123456]
    assert grade == 20
    assert modified is not None and modified.tzinfo is not None
    assert abs((datetime.now(UTC) - modified).total_seconds()) < 600  # when results.jsonl was written
    assert "Plot &lt;val_loss&gt; &amp; label it" in feedback and "<br>" in feedback  # HTML, lines kept
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Full name"] for r in rows] == ["Ayu Lestari", "Budi Santoso"]
    assert [r["Maximum Grade"] for r in rows] == ["40", "20"]
    assert warnings == [
        "extra/loose.ipynb: no Moodle participant id in its name (Name_<id>_assignsubmission_file_), "
        "left out of moodle.csv"
    ]


def test_results_without_moodle_names_warn_for_each(results_dir: Path) -> None:
    warnings: list[str] = []
    rows = list(csv.reader(io.StringIO(export_one(results_dir, "moodle", warn=warnings.append).read_text())))
    assert rows == [MOODLE_HEADER]
    assert [w.split(":")[0] for w in warnings] == [r.submission for r in class_results()]


@pytest.mark.parametrize(
    ("submission", "expected"),
    [
        ("Ayu Lestari_123456_assignsubmission_file_/tugas.ipynb", MoodleParticipant(123456, "Ayu Lestari")),
        ("z.zip/Ayu_Lestari_7_assignsubmission_onlinetext_/a/b.ipynb", MoodleParticipant(7, "Ayu_Lestari")),
        ("Budi Santoso_98_assignsubmission_file_tugas_2.ipynb", MoodleParticipant(98, "Budi Santoso")),
        ("lestariayu_98765_4321_tugas.ipynb", None),  # a Canvas name: no Moodle participant
        ("2201001/tugas.ipynb", None),
    ],
)
def test_participant_from_a_moodle_name(submission: str, expected: MoodleParticipant | None) -> None:
    assert moodle_participant(submission) == expected


def test_an_override_is_the_grade_and_its_comment_the_feedback(tmp_path: Path) -> None:
    folder = write_results(tmp_path / "out", overridden(moodle_results(), "hcv.loss_plot", 20))
    grade, _, feedback = moodle_import(export_one(folder, "moodle").read_text(encoding="utf-8"))[123456]
    assert grade == 40  # 20 + the instructor's 20 for the loss plot
    assert "Changed by the instructor from 0 to 20 points: Loss curves drawn in cell 9 &amp; labelled &lt;ok&gt;" in (
        feedback
    )
    assert OVERRIDE_COMMENT not in feedback  # HTML-escaped, as Moodle shows comments
