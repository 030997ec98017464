"""Re-scoring a cached run (a rubric edit) loads no model again: the re-evaluation answers kept
beside the run are served, the result is the same, and a changed model file is asked again."""

from __future__ import annotations

import json

import pytest
from conftest import REFERENCE, sandbox_ok

from grader.cache import EvidenceCache
from grader.export.results_file import result_to_json
from grader.intake import collect_submissions
from grader.pipeline import GradeSettings, grade_submission, rubric_from
from grader.reeval.memo import MEMO_DIR


def _json(result) -> str:
    data = result_to_json(result)
    for timed in ("duration_s", "timings"):
        data.pop(timed)
    return json.dumps(data, sort_keys=True)


@pytest.mark.notebook
def test_a_cached_run_is_rescored_from_kept_answers_and_a_changed_model_is_asked_again(tmp_path):
    rubric = rubric_from("iris_mlp")
    submission = collect_submissions(REFERENCE / "04_iris_mlp_sklearn.ipynb")[0]
    settings = GradeSettings(rubric=rubric, cache=EvidenceCache(tmp_path / "cache"), sandboxed=sandbox_ok())
    first = grade_submission(submission, settings).result
    assert "launch" in first.timings and first.timings["reeval"] > 0
    memos = list((tmp_path / "cache").glob(f"*/{MEMO_DIR}/*.npy"))
    assert memos, "the re-evaluation's answers were kept beside the cached run"

    again = grade_submission(submission, settings).result
    assert "cached" in again.timings and again.timings["reeval"] == 0  # no worker was waited for
    assert _json(again) == _json(first)
    assert first.items and any(i.evidence for i in again.items)

    # the kept model file replaced by another: its answers no longer match, the worker is asked
    models = [p for p in (tmp_path / "cache").glob("*/evidence/models/*") if p.is_file()]
    assert models
    for path in models:
        path.write_bytes(path.read_bytes() + b"\0")
    changed = grade_submission(submission, settings).result
    assert changed.timings["reeval"] > 0
