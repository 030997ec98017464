"""Finding notebooks in folders and LMS zips, and whose they are."""

from __future__ import annotations

import zipfile

import nbformat
import pytest

from grader.errors import SubmissionError
from grader.intake import collect_submissions, open_submissions, student_id


def notebook(path, source="print(1)"):
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, str(path))
    return path


def test_lms_file_names_give_student_ids(tmp_path):
    root = tmp_path
    assert student_id(root / "Ayu Lestari_123456_assignsubmission_file_" / "tugas.ipynb", root) == "123456"
    assert student_id(root / "lestariayu_98765_4321_tugas.ipynb", root) == "98765"
    assert student_id(root / "lestariayu_LATE_98765_4321_tugas.ipynb", root) == "98765"
    assert student_id(root / "submission_1234567" / "hw.ipynb", root) == "1234567"
    notebook(root / "budi" / "hw.ipynb")
    assert student_id(root / "budi" / "hw.ipynb", root) == "budi"
    notebook(root / "hcv" / "a.ipynb")
    notebook(root / "hcv" / "b.ipynb")
    assert student_id(root / "hcv" / "a.ipynb", root) is None  # an exercise folder, not a student
    assert student_id(root / "hw.ipynb", root) is None


def test_moodle_zip(tmp_path):
    src = tmp_path / "src"
    notebook(src / "Ayu Lestari_123456_assignsubmission_file_" / "tugas.ipynb")
    notebook(src / "Budi Santoso_222_assignsubmission_file_" / "hcv.ipynb")
    (src / "Budi Santoso_222_assignsubmission_file_" / "hcvdat0.csv").write_text("a,b\n1,2\n")
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in src.rglob("*"):
            zf.write(path, path.relative_to(src))
    with open_submissions(archive) as found:
        assert sorted(s.student for s in found) == ["123456", "222"]
        budi = next(s for s in found if s.student == "222")
        assert [p.name for p in budi.siblings] == ["hcvdat0.csv"]
    with pytest.raises(ValueError, match="open_submissions"):
        collect_submissions(archive)  # its unpacked copy would outlive the caller


def test_broken_notebook_is_found_but_marked(tmp_path):
    notebook(tmp_path / "good.ipynb")
    (tmp_path / "broken.ipynb").write_text("{not json")
    found = {s.path.name: s for s in collect_submissions(tmp_path)}
    assert found["good.ipynb"].problem is None
    assert found["broken.ipynb"].problem.startswith("not a valid Jupyter notebook")


def test_checkpoints_are_ignored_and_empty_input_is_an_error(tmp_path):
    notebook(tmp_path / ".ipynb_checkpoints" / "x-checkpoint.ipynb")
    with pytest.raises(SubmissionError, match=r"no \.ipynb notebooks"):
        collect_submissions(tmp_path)
    with pytest.raises(SubmissionError, match="no such file"):
        collect_submissions(tmp_path / "missing")


def test_zip_with_only_unsafe_paths_has_nothing_to_grade(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../etc/x.ipynb", "{}")
    warnings: list[str] = []
    with pytest.raises(SubmissionError, match=r"no \.ipynb notebooks"), open_submissions(archive, warnings.append):
        pass
    assert warnings == [
        "evil.zip: skipped 1 unsafe entry (not unpacked): '../../etc/x.ipynb' (leads outside the folder with '..')"
    ]


def test_not_a_zip_is_refused_in_one_line(tmp_path):
    archive = tmp_path / "download.zip"
    archive.write_text("this is no zip")
    with pytest.raises(SubmissionError, match=r"^download\.zip: not a valid zip file$"), open_submissions(archive):
        pass
