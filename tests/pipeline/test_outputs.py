"""Writing and re-rendering graded folders, and the result JSON's round trip (no kernel)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from grader.errors import ConfigError
from grader.export.results_file import message_from_json, message_to_json, result_from_json, result_to_json
from grader.models.results import ItemResult, Message, Result
from grader.pipeline import Graded, render_again, write_class_outputs, write_submission_outputs


def _result() -> Result:
    split = Message("split.ok", {"train": 400, "validation": np.int64(100), "test": 115})
    nested = Message("leakage.preprocessing", {"detail": Message("role.test")})
    items = (
        ItemResult(
            id="hcv.split",
            check="split",
            title=Message.words("Train/validation/test split", "Pembagian data latih/validasi/uji"),
            points=10.0,
            max_points=10.0,
            passed=True,
            messages=(split, Message.words("Well done.", "Bagus.")),
            evidence={"train": 400},
        ),
        ItemResult(
            id="hcv.leakage",
            check="leakage",
            title=Message.words("No leakage"),
            points=0.0,
            max_points=10.0,
            passed=False,
            messages=(nested,),
            evidence={},
        ),
    )
    return Result(
        submission="class/2201001_hcv.ipynb",
        student="2201001",
        rubric="hcv",
        status="graded",
        score=10.0,
        max_score=20.0,
        duration_s=3.5,
        items=items,
        cells=(),
        notes=(Message("note.install_skipped", {"line": "!pip install x", "cell": "2"}),),
        rubric_title=Message.words("HCV assignment", "Tugas HCV"),
    )


def test_result_json_round_trips_messages_in_both_languages() -> None:
    result = _result()
    data = json.loads(json.dumps(result_to_json(result, "en")))
    back = result_from_json(data)
    assert result_to_json(back, "id") == result_to_json(result, "id")
    assert (
        data["items"][0]["feedback"].startswith("Found a training set of 400 rows")
        and "Well done." in data["items"][0]["feedback"]
    )
    indonesian = result_to_json(back, "id")
    assert indonesian["items"][0]["feedback"].startswith("Ditemukan data latih 400 baris")
    assert indonesian["items"][0]["title"] == "Pembagian data latih/validasi/uji"
    assert indonesian["items"][1]["title"] == "No leakage"  # no Indonesian given: English
    assert indonesian["rubric_title"] == "Tugas HCV" and indonesian["lang"] == "id"


def test_nested_messages_and_numpy_values_survive_json() -> None:
    message = Message("a.b", {"n": np.float64(0.5), "inner": Message("role.test"), "many": (1, 2)})
    back = message_from_json(json.loads(json.dumps(message_to_json(message))))
    assert back == Message("a.b", {"n": 0.5, "inner": Message("role.test"), "many": [1, 2]})


def test_results_written_before_messages_were_kept_still_read() -> None:
    old = {
        "schema": 1,
        "submission": "a.ipynb",
        "student": None,
        "rubric": "r",
        "status": "graded",
        "score": 1,
        "max_score": 1,
        "items": [{"id": "x", "title": "X", "feedback": "fine", "passed": True}],
    }
    result = result_from_json(old)
    assert result_to_json(result, "id")["items"][0]["feedback"] == "fine"


def test_render_again_switches_language_without_running(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    graded = Graded(_result(), None)
    write_submission_outputs(graded, out, "2201001", "en")
    write_class_outputs([(graded.result, "2201001")], out, "en")
    assert 'lang="en"' in (out / "2201001.html").read_text()
    assert render_again(out, "id") == (1, 0)
    page = (out / "2201001.html").read_text()
    assert 'lang="id"' in page and "Ditemukan data latih 400 baris" in page and "Tugas HCV" in page
    assert "Bagus." in page
    assert json.loads((out / "2201001.json").read_text())["lang"] == "id"
    assert json.loads((out / "results.jsonl").read_text())["items"][0]["feedback"].startswith("Ditemukan")
    assert 'lang="id"' in (out / "index.html").read_text()


def test_render_again_of_an_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no graded results"):
        render_again(tmp_path, "id")
