"""The command line as users meet it: exit codes, one-line errors, files written."""

from __future__ import annotations

import json

import nbformat
import pytest
from conftest import EXAMPLES, REFERENCE, SHARED_DATA, sandbox_ok

from grader.cli import main


def test_invalid_notebook_is_exit_2_with_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{this is not json")
    assert main(["check", str(bad), "--rubric", "iris_keras", "--no-cache"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a valid Jupyter notebook" in err[0]


def test_unknown_rubric_is_exit_2_with_did_you_mean(tmp_path, capsys):
    nb = tmp_path / "a.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), str(nb))
    assert main(["check", str(nb), "--rubric", "iris_kera"]) == 2
    assert "did you mean 'iris_keras'" in capsys.readouterr().err


def test_bad_rubric_file_is_exit_2_naming_the_line(tmp_path, capsys):
    rubric = tmp_path / "r.yaml"
    rubric.write_text("schema: 1\nname: r\ntitle: R\nitems:\n  - {id: a, title: A, check: runz, points: 1}\n")
    assert main(["rubric", "validate", str(rubric)]) == 2
    assert "r.yaml:5" in capsys.readouterr().err


def test_export_without_results_is_exit_2(tmp_path, capsys):
    assert main(["export", str(tmp_path), "--format", "csv"]) == 2
    assert "results.jsonl" in capsys.readouterr().err


@pytest.mark.notebook
def test_check_reference_writes_json_and_html_and_exits_0(tmp_path, run_store, capsys):
    run_store.run(REFERENCE / "04_iris_mlp_sklearn.ipynb", rubric="iris_mlp")  # warms the shared cache
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    code = main(
        [
            "check",
            str(REFERENCE / "04_iris_mlp_sklearn.ipynb"),
            "--rubric",
            "iris_mlp",
            "--cache-dir",
            str(run_store.cache.root),
            *_data(),
            "--json",
            str(out_json),
            "--html",
            str(out_html),
        ]
    )
    assert code == 0, capsys.readouterr()
    data = json.loads(out_json.read_text())
    assert data["schema"] == 1 and data["status"] == "graded" and data["score"] == data["max_score"]
    assert "<html" in out_html.read_text().lower()


@pytest.mark.notebook
def test_grade_a_folder_writes_reports_and_exports(tmp_path, run_store):
    folder = EXAMPLES / "iris_mlp"
    if not folder.is_dir():
        pytest.skip("no iris_mlp examples yet")
    out = tmp_path / "out"
    code = main(
        [
            "grade",
            str(folder),
            "--rubric",
            "iris_mlp",
            "--out",
            str(out),
            "--cache-dir",
            str(run_store.cache.root),
            *_data(),
        ]
        + ([] if _sandbox() else ["--no-sandbox"])
    )
    assert code == 0  # every submission was graded (the flawed examples fail items: that is a score, not a failure)
    lines = (out / "results.jsonl").read_text().strip().splitlines()
    assert len(lines) == len(list(folder.glob("*.ipynb")))
    assert (out / "index.html").exists()
    assert main(["export", str(out), "--format", "csv"]) == 0
    # the same folder shown again in Bahasa Indonesia, nothing executed, the evidence read again
    before = {p.name: p.read_text() for p in out.glob("*.json")}
    assert main(["report", str(out), "--lang", "id"]) == 0
    first = json.loads((out / "results.jsonl").read_text().splitlines()[0])
    assert first["lang"] == "id" and first["status"] == "graded"
    pages = [p.read_text() for p in out.glob("*.html") if p.name != "index.html"]
    assert pages and all('lang="id"' in page for page in pages)
    assert all("Yang diamati oleh grader" in page and 'id="no-evidence"' not in page for page in pages)
    assert 'lang="id"' in (out / "index.html").read_text()
    after = {p.name: json.loads(p.read_text()) for p in out.glob("*.json")}
    for name, text in before.items():  # scores unchanged; only words differ
        old = json.loads(text)
        assert (old["score"], [i["passed"] for i in old["items"]]) == (
            after[name]["score"],
            [i["passed"] for i in after[name]["items"]],
        )


def _sandbox() -> bool:
    return sandbox_ok()


def _data() -> list[str]:
    return ["--data-dir", str(SHARED_DATA)] if SHARED_DATA.is_dir() else []
