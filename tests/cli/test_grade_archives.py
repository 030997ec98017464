"""``grader grade download.zip``: an unsafe entry is a warning, the rest is graded, and the
unpacked copy is gone when the command ends, whether grading finished, failed or was
interrupted.  The first tests stand in for the grading itself (no kernel); the last grades a
tiny notebook for real, in the sandbox."""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader.cli import main
from grader.commands import grade as grade_command
from grader.pipeline import Graded, invalid_result
from grader.sandbox import sandbox_available

AYU = "Ayu Lestari_123456_assignsubmission_file_"
BUDI = "Budi Santoso_222_assignsubmission_file_"
RUBRIC = """schema: 1
name: tiny
title: Tiny
items:
  - id: tiny.runs
    title: Runs
    check: runs
    points: 1
"""


def notebook_bytes(source: str) -> bytes:
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])).encode()


@pytest.fixture
def download(tmp_path) -> Path:
    """A Moodle download with two students (same file name) and one entry that climbs out."""
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{AYU}/tugas.ipynb", notebook_bytes("print('ayu')"))
        zf.writestr(f"{BUDI}/tugas.ipynb", notebook_bytes("print('budi')"))
        zf.writestr("../../outside.ipynb", notebook_bytes("print('evil')"))
    return archive


@pytest.fixture
def rubric(tmp_path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(RUBRIC)
    return path


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def unpacked_copies(scratch: Path) -> list[Path]:
    return sorted(scratch.glob("grader-intake-*"))


def _grade(download, rubric, out, *extra):
    return main(["grade", str(download), "--rubric", str(rubric), "--out", str(out), "--no-cache", *extra])


def stand_in(seen: list[Path], then=None):
    """A ``grade_jobs`` that grades nothing: it records the notebooks it was given (they must
    exist while it runs), then raises ``then`` or returns stand-in results."""

    def fake_grade_jobs(jobs, workers=1, on_graded=None, executor="local"):
        graded = []
        for index, job in enumerate(jobs):
            assert job.submission.path.is_file()
            seen.append(job.submission.path)
            if then is not None:
                raise then
            done = Graded(invalid_result(job.submission, job.settings.rubric, "stood in for"), None)
            if on_graded is not None:
                on_graded(index, job, done)
            graded.append(done)
        return graded

    return fake_grade_jobs


def test_grade_warns_about_the_bad_entry_and_grades_the_rest(
    download, rubric, tmp_path, scratch, monkeypatch, capsys
) -> None:
    seen: list[Path] = []
    monkeypatch.setattr(grade_command, "grade_jobs", stand_in(seen))
    out = tmp_path / "out"
    assert _grade(download, rubric, out, "--no-sandbox") == 1  # the stand-in results fail
    err = capsys.readouterr().err.splitlines()
    warnings = [line for line in err if line.startswith("warning:")]
    assert warnings == [
        "warning: download.zip: skipped 1 unsafe entry (not unpacked): '../../outside.ipynb' "
        "(leads outside the folder with '..')"
    ]
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert sorted(r["student"] for r in rows) == ["123456", "222"]
    # both students hand in tugas.ipynb: each keeps their own report
    assert sorted(p.name for p in out.glob("*.json")) == [
        "Ayu_Lestari_123456_assignsubmission_file___tugas.json",
        "Budi_Santoso_222_assignsubmission_file___tugas.json",
    ]
    assert len(seen) == 2 and not any(p.exists() for p in seen)
    assert unpacked_copies(scratch) == []
    assert not (tmp_path / "outside.ipynb").exists()


@pytest.mark.parametrize("raised", [KeyboardInterrupt(), RuntimeError("the grader broke")])
def test_interrupted_or_failed_grading_removes_the_unpacked_copy(
    raised, download, rubric, tmp_path, scratch, monkeypatch, capsys
) -> None:
    seen: list[Path] = []
    monkeypatch.setattr(grade_command, "grade_jobs", stand_in(seen, then=raised))
    interrupted = isinstance(raised, KeyboardInterrupt)
    assert _grade(download, rubric, tmp_path / "out", "--no-sandbox") == (130 if interrupted else 3)
    said = "interrupted" if interrupted else "internal error"
    assert said in capsys.readouterr().err
    assert len(seen) == 1 and not seen[0].exists()
    assert unpacked_copies(scratch) == []


def test_a_refused_download_is_one_line_and_leaves_nothing(rubric, tmp_path, scratch, capsys) -> None:
    archive = tmp_path / "download.zip"
    archive.write_bytes(b"PK not really")
    assert _grade(archive, rubric, tmp_path / "out", "--no-sandbox") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "grader: download.zip: not a valid zip file"
    assert unpacked_copies(scratch) == []


@pytest.mark.sandbox
@pytest.mark.notebook
@pytest.mark.skipif(not sandbox_available()[0], reason=sandbox_available()[1] or "no sandbox")
def test_grade_a_zip_with_a_bad_entry_for_real(download, rubric, tmp_path, capsys) -> None:
    # the real temporary folder: the sandbox binds the workspaces it makes there
    system_tmp = Path(tempfile.gettempdir())
    before = set(unpacked_copies(system_tmp))
    out = tmp_path / "out"
    assert _grade(download, rubric, out) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "warning: download.zip: skipped 1 unsafe entry (not unpacked): '../../outside.ipynb'" in err
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert sorted((r["student"], r["status"], r["score"]) for r in rows) == [
        ("123456", "graded", 1.0),
        ("222", "graded", 1.0),
    ]
    assert set(unpacked_copies(system_tmp)) <= before
