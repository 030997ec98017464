"""Grading a class into its gradebook, without a kernel: what is reused, what is graded again,
which submission of a student counts, and the class outputs written as results arrive."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from grader.gradebook import Gradebook, database_url
from grader.intake import collect_submissions
from grader.pipeline import Graded, GradeSettings, classrun, invalid_result, plan_jobs, rubric_from
from grader.pipeline.classrun import ClassRun, open_class_run


def _notebook(path: Path, source: str, mtime: float | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), str(path))
    if mtime is not None:
        os.utime(path, (mtime, mtime))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    subs = tmp_path / "subs"
    _notebook(subs / "ana_111_1_tugas.ipynb", "a = 1")
    _notebook(subs / "budi_222_1_tugas.ipynb", "b = 1", mtime=1_000)
    _notebook(subs / "budi_222_2_tugas.ipynb", "b = 2", mtime=2_000)  # budi's later one counts
    return subs


def _open(folder: Path, out: Path, rubric: str = "perceptron") -> tuple[Gradebook, ClassRun]:
    settings = GradeSettings(rubric_from(rubric))
    jobs = plan_jobs(collect_submissions(folder), folder, rubric, lambda _: settings)
    out.mkdir(exist_ok=True)
    book = Gradebook(database_url(None, out))
    return book, open_class_run(book, jobs, out, "en")


def _grade_all(run: ClassRun) -> list[int]:
    """Stand-in grading of every pending job (no kernel); returns the indices graded."""
    pending = run.pending
    for index in pending:
        job = run.jobs[index]
        run.graded(index, job, Graded(invalid_result(job.submission, job.settings.rubric, f"stood in {index}"), None))
    return pending


def test_a_rerun_reuses_every_unchanged_result(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    book, run = _open(folder, out)
    assert _grade_all(run) == [0, 1, 2] and run.reused == set()
    run.finish()
    first = (out / "results.jsonl").read_text()
    book.close()
    book, again = _open(folder, out)
    assert again.pending == [] and again.reused == {0, 1, 2}
    assert [again.results[i] for i in range(3)] == [run.results[i] for i in range(3)]
    again.finish()
    assert (out / "results.jsonl").read_text() == first
    assert book.run_count() == 3 and len(book.history("reused")) == 3
    book.close()


def test_a_changed_notebook_or_rubric_or_grader_is_graded_again(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    book, run = _open(folder, out)
    _grade_all(run)
    book.close()
    _notebook(folder / "ana_111_1_tugas.ipynb", "a = 2")  # ana hands in again
    book, run = _open(folder, out)
    assert run.pending == [0]
    _grade_all(run)
    book.close()
    book, run = _open(folder, out, rubric="activations")  # another rubric: all of them
    assert run.pending == [0, 1, 2]
    book.close()
    monkeypatch.setattr(classrun, "__version__", "99.0")
    book, run = _open(folder, out)
    assert run.pending == [0, 1, 2]
    book.close()


def test_a_grader_fault_is_graded_again(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    book, run = _open(folder, out)
    for index in run.pending:
        job = run.jobs[index]
        result = invalid_result(job.submission, job.settings.rubric, "x")
        run.graded(index, job, Graded(replace(result, status="error" if index == 1 else "graded"), None))
    book.close()
    book, run = _open(folder, out)
    assert run.pending == [1]
    book.close()


def test_the_latest_submission_of_a_student_counts_and_the_other_is_kept(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    book, run = _open(folder, out)
    _grade_all(run)
    page = run.finish()
    names = [run.jobs[i].stem for i in sorted(run.superseded)]
    assert names == ["budi_222_1_tugas"]
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["submission"].rsplit("/", 1)[-1] for r in rows] == ["ana_111_1_tugas.ipynb", "budi_222_2_tugas.ipynb"]
    assert (out / "budi_222_1_tugas.json").exists()  # kept, with its report
    assert book.superseded_ids() == {run.ids[i] for i in run.superseded}
    assert "budi_222_1_tugas.html" not in page.read_text()
    book.close()


def test_each_result_is_kept_the_moment_it_arrives(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    book, run = _open(folder, out)
    run.every_s = 0.0  # rewrite the class outputs with every result
    job = run.jobs[0]
    run.graded(0, job, Graded(invalid_result(job.submission, job.settings.rubric, "x"), None))
    assert (out / f"{job.stem}.json").exists() and (out / f"{job.stem}.html").exists()
    assert book.run_count() == 1
    assert len((out / "results.jsonl").read_text().splitlines()) == 1
    assert (out / "index.html").exists()
    book.close()


def test_a_lost_report_is_written_again_from_the_gradebook(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    book, run = _open(folder, out)
    _grade_all(run)
    book.close()
    (out / "ana_111_1_tugas.json").unlink()
    book, run = _open(folder, out)
    assert run.pending == []
    assert json.loads((out / "ana_111_1_tugas.json").read_text())["status"] == "invalid"
    book.close()


def test_rendering_again_keeps_the_superseded_submission_off_the_class_page(folder: Path, tmp_path: Path) -> None:
    from grader.pipeline import render_again

    out = tmp_path / "out"
    book, run = _open(folder, out)
    _grade_all(run)
    run.finish()
    book.close()
    before = (out / "results.jsonl").read_text()
    assert render_again(out, "id") == (3, 0)
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(rows) == len(before.splitlines()) == 2 and all(r["lang"] == "id" for r in rows)
    assert "budi_222_1_tugas" not in "".join(r["submission"] for r in rows)


def test_a_fifo_handed_in_as_a_notebook_is_hashed_without_being_read(tmp_path: Path) -> None:
    from grader.models.submission import Submission

    fifo = tmp_path / "tugas.ipynb"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    problem = "the notebook is not a regular file"
    first = classrun.file_hash(Submission(path=fifo, display="tugas.ipynb", problem=problem))
    assert first == classrun.file_hash(Submission(path=fifo, display="tugas.ipynb", problem=problem))
    regular = tmp_path / "other.ipynb"
    _notebook(regular, "a = 1")
    with_sibling = Submission(path=regular, display="other.ipynb", siblings=(fifo,))
    assert classrun.file_hash(with_sibling) != classrun.file_hash(Submission(path=regular, display="other.ipynb"))


def _ana_item(out: Path) -> dict:
    data = json.loads((out / "ana_111_1_tugas.json").read_text(encoding="utf-8"))
    return {"score": data["score"], **next(i for i in data["items"] if i["id"] == "perceptron.runs")}


def test_an_override_in_the_gradebook_holds_on_reuse_regrade_and_rendering(folder: Path, tmp_path: Path) -> None:
    import sqlite3

    from grader.pipeline import render_again

    out = tmp_path / "out"
    book, run = _open(folder, out)
    _grade_all(run)
    book.record_override("ana_111_1_tugas", "perceptron", "perceptron.runs", 25, comment="ran on Colab")
    book.close()
    book, run = _open(folder, out)  # unchanged: reused, the override applied
    assert run.pending == [] and run.results[0].score == 25 and run.results[0].items[0].machine_points == 0
    run.finish()
    assert json.loads((out / "results.jsonl").read_text().splitlines()[0])["score"] == 25
    book.close()
    (out / "ana_111_1_tugas.json").unlink()  # a lost report comes back with the override
    book, run = _open(folder, out)
    assert (_ana_item(out)["points"], _ana_item(out)["machine_points"], _ana_item(out)["score"]) == (25, 0, 25)
    book.close()
    book, run = _open(folder, out, "perceptron")
    run.keys[0] = replace(run.keys[0], rubric_hash="changed")  # as after a rubric change: graded again
    run.results.pop(0)
    _grade_all(run)
    assert _ana_item(out)["points"] == 25 and "ran on Colab" in _ana_item(out)["feedback"]
    book.close()
    # the gradebook keeps the machine's points; only the outputs carry the instructor's
    runs = sqlite3.connect(out / "gradebook.sqlite").execute("select score from runs").fetchall()
    assert {score for (score,) in runs} == {0.0}
    assert render_again(out, "id") == (3, 0)
    item = _ana_item(out)
    assert item["points"] == 25 and "Diubah oleh pengajar dari 0 menjadi 25 poin: ran on Colab" in item["feedback"]
    assert "Diubah oleh pengajar" in (out / "ana_111_1_tugas.html").read_text(encoding="utf-8")


def test_a_report_that_missed_its_override_is_written_again_on_the_next_run(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    book, run = _open(folder, out)
    _grade_all(run)
    book.record_override("ana_111_1_tugas", "perceptron", "perceptron.runs", 20)  # its outputs never rewritten
    book.close()
    untouched = (out / "budi_222_2_tugas.json").stat().st_mtime_ns
    assert _ana_item(out)["points"] == 0
    book, run = _open(folder, out)
    assert _ana_item(out)["points"] == 20 and _ana_item(out)["override"]["points"] == 20
    assert (out / "budi_222_2_tugas.json").stat().st_mtime_ns == untouched  # the others are left alone
    book.close()
