"""``grader review`` and ``grader override`` on a class graded without a kernel (grading is
stood in for; the commands, the gradebook, the reports and the exports are real): an override
survives a regrade, shows in the reports and in every export, read back as each platform does."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from export.test_canvas import canvas_import
from export.test_gradescope import assert_follows_the_spec
from export.test_moodle import moodle_import

from grader.cli import main
from grader.commands import grade as grade_command
from grader.models.results import ItemResult
from grader.pipeline import Graded, invalid_result

AYU = "Ayu Lestari_123456_assignsubmission_file_"
BUDI = "Budi Santoso_222_assignsubmission_file_"
CITRA = "Citra Dewi_333_assignsubmission_file_"
RUBRIC = Path(__file__).resolve().parents[2] / "rubrics" / "perceptron.yaml"
COMMENT = "XOR solved in cell 7 (a hand-made network)"


def _scored(item: ItemResult) -> ItemResult:
    """The stand-in checks: xor could not be judged and needs review, the rest passed."""
    if item.id == "perceptron.xor":
        return replace(item, needs_review=True)
    return replace(item, points=item.max_points, passed=True, judged=True, messages=())


def _notebook(folder: Path, source: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), str(folder / "tugas.ipynb"))


@pytest.fixture
def graded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    subs, out = tmp_path / "subs", tmp_path / "grades"
    for name in (AYU, BUDI, CITRA):
        _notebook(subs / name, f"# {name}")
    calls: list[str] = []

    def fake_grade_jobs(jobs, workers=1, on_graded=None, executor="local"):
        for index, job in enumerate(jobs):
            calls.append(job.submission.display)
            result = invalid_result(job.submission, job.settings.rubric, "could not be read")
            if BUDI not in job.submission.display:  # budi's is not a gradable notebook
                items = tuple(_scored(i) for i in result.items)
                result = replace(result, status="graded", reason=None, items=items, score=sum(i.points for i in items))
            on_graded(index, job, Graded(result, None))

    monkeypatch.setattr(grade_command, "grade_jobs", fake_grade_jobs)
    rubric = tmp_path / "perceptron.yaml"
    shutil.copy(RUBRIC, rubric)

    def grade() -> int:
        return main(["grade", str(subs), "--rubric", str(rubric), "--out", str(out), "--no-sandbox", "--no-cache"])

    grade()
    return {"out": out, "subs": subs, "rubric": rubric, "grade": grade, "calls": calls}


def _json(out: Path, name: str) -> dict:
    (path,) = [p for p in out.glob("*.json") if name.replace(" ", "_") in p.name]
    return json.loads(path.read_text(encoding="utf-8"))


def _item(data: dict, item_id: str) -> dict:
    return next(i for i in data["items"] if i["id"] == item_id)


def _override(out: Path, *args: str) -> int:
    return main(["override", str(out), *args])


def test_review_lists_what_needs_a_person(graded, capsys) -> None:
    capsys.readouterr()
    assert main(["review", str(graded["out"])]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["Student", "Report", "Rubric", "Item"]
    rows = lines[1:]
    assert len(rows) == 3  # ayu's and citra's xor, budi's whole submission
    ayu = next(r for r in rows if r.startswith("Ayu Lestari"))
    assert "perceptron.xor" in ayu and "0/40" in ayu
    budi = next(r for r in rows if r.startswith("Budi Santoso"))
    assert "(whole submission)" in budi and "could not be read" in budi
    assert main(["review", str(graded["out"]), "--lang", "id"]) == 0
    assert capsys.readouterr().out.splitlines()[0].split()[0] == "Mahasiswa"


def test_review_of_one_rubric(graded, capsys) -> None:
    capsys.readouterr()
    assert main(["review", str(graded["out"]), "--rubric", "perceptron"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4
    assert main(["review", str(graded["out"]), "--rubric", "hcv"]) == 2
    assert "no submission graded with it here (graded: perceptron)" in capsys.readouterr().err


def test_review_of_a_folder_that_is_not_graded_is_one_line(tmp_path, capsys) -> None:
    assert main(["review", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not a graded folder" in err


def test_an_override_shows_at_once_and_survives_regrades(graded, capsys) -> None:
    out = graded["out"]
    assert _override(out, "Ayu Lestari", "perceptron.xor", "--points", "35", "--comment", COMMENT) == 0
    assert "perceptron.xor: 35/40" in capsys.readouterr().out

    def shows(total: float) -> None:
        data = _json(out, "Ayu_Lestari")
        xor = _item(data, "perceptron.xor")
        assert (xor["points"], xor["machine_points"], xor["needs_review"]) == (35, 0, False)
        assert xor["override"]["comment"] == COMMENT and data["score"] == total
        html = next(out.glob("Ayu_Lestari*.html")).read_text(encoding="utf-8")
        assert "Changed by the instructor from 0 to 35 points" in html and COMMENT in html
        line = next(json.loads(x) for x in (out / "results.jsonl").read_text().splitlines() if "Ayu" in x)
        assert line["score"] == total
        page = (out / "index.html").read_text(encoding="utf-8")
        assert f">{total:g} / {data['max_score']:g}<" in page  # ayu's row on the class page

    shows(95)
    graded["calls"].clear()
    assert graded["grade"]() == 1  # budi's is still not gradable
    assert graded["calls"] == []  # unchanged: reused, not graded again
    shows(95)
    rubric: Path = graded["rubric"]
    rubric.write_text(rubric.read_text().replace("points: 30", "points: 25", 1))  # the rubric changed
    assert graded["grade"]() == 1 and len(graded["calls"]) == 3  # every submission scored again
    shows(90)  # runs is worth 25 now; the override still holds


def test_an_override_on_a_changed_file_holds_and_review_says_so(graded, capsys) -> None:
    out = graded["out"]
    assert _override(out, "123456", "perceptron.xor", "--points", "40") == 0
    _notebook(graded["subs"] / AYU, "# handed in again")
    graded["grade"]()
    assert _item(_json(out, "Ayu_Lestari"), "perceptron.xor")["points"] == 40
    capsys.readouterr()
    main(["review", str(out)])
    ayu = next(r for r in capsys.readouterr().out.splitlines() if r.startswith("Ayu Lestari"))
    assert "40 (checks: 0)" in ayu and "made on an earlier version of the file" in ayu


def test_an_override_can_be_withdrawn(graded, capsys) -> None:
    out = graded["out"]
    _override(out, "Citra Dewi", "perceptron.xor", "--points", "10")
    assert _json(out, "Citra_Dewi")["score"] == 70
    assert _override(out, "Citra Dewi", "perceptron.xor", "--remove") == 0
    data = _json(out, "Citra_Dewi")
    assert data["score"] == 60 and _item(data, "perceptron.xor")["override"] is None
    assert _override(out, "Citra Dewi", "perceptron.xor", "--remove") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Ayu Lestar", "perceptron.xor", "--points", "3"], "did you mean 'Ayu Lestari'"),
        (["nobody", "perceptron.xor", "--points", "3"], "no graded submission of 'nobody'"),
        (["citra", "perceptron.xor", "--points", "3"], "did you mean 'Citra Dewi'"),
        (["Ayu Lestari", "perceptron.xro", "--points", "3"], "did you mean perceptron.xor"),
        (["Ayu Lestari", "perceptron.xor", "--points", "41"], "worth 0 to 40 points"),
        (["Ayu Lestari", "perceptron.xor", "--points", "-1"], "worth 0 to 40 points"),
        (["Ayu Lestari", "perceptron.xor"], "give --points P"),
        (["Ayu Lestari", "perceptron.xor", "--points", "3", "--rubric", "hcv"], "for rubric 'hcv'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(graded, capsys, args, message) -> None:
    capsys.readouterr()
    assert _override(graded["out"], *args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err


def test_a_student_with_several_rubrics_must_say_which(graded, capsys) -> None:
    out = graded["out"]
    (path,) = [p for p in out.glob("*.json") if "Ayu" in p.name]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["rubric"] = "perceptron2"
    path.with_name("other.json").write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert _override(out, "Ayu Lestari", "perceptron.xor", "--points", "3") == 2
    assert "give --rubric or the report stem" in capsys.readouterr().err
    assert _override(out, path.stem, "perceptron.xor", "--points", "3") == 0


def test_every_export_shows_the_override(graded, tmp_path) -> None:
    out = graded["out"]
    _override(out, "Ayu Lestari", "perceptron.xor", "--points", "35", "--comment", COMMENT)
    for fmt in ("csv", "canvas", "moodle", "gradescope", "junit"):
        assert main(["export", str(out), "--format", fmt]) == 0, fmt
    rows = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text(encoding="utf-8"))))
    ayu = next(r for r in rows if AYU in r["submission"])
    assert (ayu["score"], ayu["perceptron.xor"]) == ("95", "35")
    students = canvas_import((out / "canvas.csv").read_text(encoding="utf-8"))["students"]
    assert students["sis:123456"] == ["95"]
    grade, _, feedback = moodle_import((out / "moodle.csv").read_text(encoding="utf-8"))[123456]
    assert grade == 95 and COMMENT in feedback and "Changed by the instructor" in feedback
    (results,) = [p for p in (out / "gradescope_results").glob("*.json") if "123456" in p.name]
    data = json.loads(results.read_text(encoding="utf-8"))
    assert_follows_the_spec(data)
    xor = next(t for t in data["tests"] if t["score"] == 35)
    assert data["score"] == 95 and COMMENT in xor["output"]
    suite = next(s for s in ET.parse(out / "junit.xml").getroot() if "123456" in s.get("name", ""))
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["score"] == "95"
    case = suite.find("testcase[@name='perceptron.xor']")
    assert COMMENT in "".join(case.itertext())


def test_review_on_a_terminal_is_a_rich_table(graded, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    capsys.readouterr()
    assert main(["review", str(graded["out"])]) == 0
    text = capsys.readouterr().out
    assert "━" in text or "─" in text  # rich's rules around the heading
    assert "perceptron.xor" in text and "Ayu" in text and "0/40" in text


def test_the_student_report_is_written_again_with_the_override(graded) -> None:
    out = graded["out"]
    assert main(["report", str(out), "--student-view"]) == 0
    _override(out, "Ayu Lestari", "perceptron.xor", "--points", "35", "--comment", COMMENT)
    (page,) = out.glob("Ayu_Lestari*.student.html")
    text = page.read_text(encoding="utf-8")
    assert COMMENT in text and "changed by the instructor" in text
