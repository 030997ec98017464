"""When the LMS says a submission was handed in: kept only where its download genuinely says so.

Fixtures follow the platforms' published formats: Gradescope's ``submission_metadata.json``
(gradescope-autograders.readthedocs.io, "Submission Metadata"), Moodle's download folders
(``Full Name_<participant id>_assignsubmission_file_``) and Canvas's file names
(``<name>_LATE_<user id>_<attachment id>_<file>``, canvas-lms ``ContentZipper#get_filename``)."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime

import nbformat

from grader.intake import collect_submissions, open_submissions
from grader.intake.lms_times import aware_utc, read_gradescope_metadata

# as the documentation shows it (its comments left out: they are not JSON)
GRADESCOPE_METADATA = {
    "id": 123456,
    "created_at": "2018-07-01T14:22:32.365935-07:00",
    "assignment": {
        "due_date": "2018-07-31T23:00:00.000000-07:00",
        "group_size": 4,
        "group_submission": True,
        "id": 25828,
        "course_id": 1234,
        "late_due_date": None,
        "release_date": "2018-07-02T00:00:00.000000-07:00",
        "title": "Programming Assignment 1",
        "total_points": "20.0",
    },
    "submission_method": "upload",
    "users": [{"email": "student@example.com", "id": 1234, "name": "Student User"}],
    "previous_submissions": [{"submission_time": "2017-04-06T14:24:48.087023-07:00", "score": 0.0, "results": {}}],
}
CREATED_UTC = datetime(2018, 7, 1, 21, 22, 32, 365935, tzinfo=UTC)


def _notebook_bytes() -> str:
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))


def _notebook(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_notebook_bytes(), encoding="utf-8")
    return path


def test_gradescope_metadata_beside_the_autograder_submission_folder(tmp_path) -> None:
    autograder = tmp_path / "autograder"
    _notebook(autograder / "submission" / "hw.ipynb")
    (autograder / "submission_metadata.json").write_text(json.dumps(GRADESCOPE_METADATA), encoding="utf-8")
    for given in (autograder / "submission", autograder):
        (found,) = collect_submissions(given)
        assert found.submitted_at == CREATED_UTC
        assert found.submitted_at.tzinfo is UTC
    times = read_gradescope_metadata(autograder / "submission_metadata.json")
    assert times is not None
    assert times.due == datetime(2018, 8, 1, 6, 0, tzinfo=UTC) and times.late_due is None


def test_a_metadata_file_inside_a_students_own_folder_is_not_believed(tmp_path) -> None:
    student = tmp_path / "class" / "Ayu Lestari_123456_assignsubmission_file_"
    _notebook(student / "submission" / "hw.ipynb")
    (student / "submission_metadata.json").write_text(json.dumps(GRADESCOPE_METADATA), encoding="utf-8")
    (found,) = collect_submissions(tmp_path / "class")
    assert found.submitted_at is None


def test_a_time_without_a_zone_is_not_a_time() -> None:
    assert aware_utc("2018-07-01T14:22:32") is None
    assert aware_utc("yesterday") is None and aware_utc(None) is None
    assert aware_utc("2018-07-01T14:22:32Z") == datetime(2018, 7, 1, 14, 22, 32, tzinfo=UTC)


def test_moodle_zip_entry_times_are_not_taken_as_submission_times(tmp_path) -> None:
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w") as zf:
        entry = zipfile.ZipInfo(
            "Ayu Lestari_123456_assignsubmission_file_/tugas.ipynb", date_time=(2026, 12, 2, 1, 30, 0)
        )
        zf.writestr(entry, _notebook_bytes())
    with open_submissions(download) as found:
        (ayu,) = found
        assert ayu.student == "123456"
        # the entry's time is the server's local time without a zone, stamped when zipped: not the LMS's word
        assert ayu.submitted_at is None and not ayu.marked_late


def test_canvas_late_marker_is_kept_without_a_time(tmp_path) -> None:
    download = tmp_path / "canvas.zip"
    with zipfile.ZipFile(download, "w") as zf:
        zf.writestr("lestariayu_LATE_98765_4321_tugas.ipynb", _notebook_bytes())
        zf.writestr("santosobudi_98766_4322_tugas.ipynb", _notebook_bytes())
    with open_submissions(download) as found:
        marks = {s.student: (s.marked_late, s.submitted_at) for s in found}
    assert marks == {"98765": (True, None), "98766": (False, None)}


WORKSHEET_HEADER = (
    'Identifier,"Full name","Email address",Status,Grade,"Maximum Grade","Grade can be changed",'
    '"Last modified (submission)","Last modified (grade)","Feedback comments"'
)
WORKSHEET = "\n".join(
    [
        WORKSHEET_HEADER,
        '"Participant 123456","Ayu Lestari",ayu@example.ac.id,"Submitted for grading",,100.00,Yes,'
        '"Wednesday, 2 December 2026, 9:12 AM",-,',
        '"Participant 222","Budi Santoso",budi@example.ac.id,"Submitted for grading",,100.00,Yes,'
        '"Selasa, 1 Desember 2026, 09:12",-,',
        '"Participant 333","Citra Dewi",citra@example.ac.id,"No submission",,100.00,Yes,-,-,',
        "",
    ]
)


def test_moodle_worksheet_times_are_read_in_the_zone_they_were_written_in(tmp_path) -> None:
    from grader.intake.moodle_worksheet import parse_zone, read_submission_times, with_worksheet_times

    sheet = tmp_path / "worksheet.csv"
    sheet.write_text("\ufeff" + WORKSHEET, encoding="utf-8")  # Moodle's CSV may start with a BOM
    said: list[str] = []
    times = read_submission_times(sheet, parse_zone("Asia/Jakarta"), said.append)
    # 9:12 AM in Jakarta (UTC+7) is 02:12 UTC; the Indonesian date is not guessed at; no submission: no time
    assert times == {123456: datetime(2026, 12, 2, 2, 12, tzinfo=UTC)}
    assert len(said) == 1 and "1 submission time(s) not in Moodle's English date form" in said[0]
    assert read_submission_times(sheet, parse_zone("+07:00")) == times

    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w") as zf:
        zf.writestr("Ayu Lestari_123456_assignsubmission_file_/tugas.ipynb", _notebook_bytes())
        zf.writestr("Budi Santoso_222_assignsubmission_file_/tugas.ipynb", _notebook_bytes())
    with open_submissions(download) as found:
        timed = {s.student: s.submitted_at for s in with_worksheet_times(found, times)}
    assert timed == {"123456": datetime(2026, 12, 2, 2, 12, tzinfo=UTC), "222": None}


def test_a_file_that_is_no_worksheet_is_one_line(tmp_path) -> None:
    import pytest

    from grader.errors import ConfigError, SubmissionError
    from grader.intake.moodle_worksheet import parse_zone, read_submission_times

    other = tmp_path / "grades.csv"
    other.write_text("student,score\n1,2\n", encoding="utf-8")
    with pytest.raises(SubmissionError, match="not a Moodle grading worksheet"):
        read_submission_times(other, UTC)
    with pytest.raises(ConfigError, match="not a time zone"):
        parse_zone("Mars/Olympus")
