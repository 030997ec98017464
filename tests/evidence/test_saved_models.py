"""``check_saved_models``: a notebook that saved nothing costs no model load (issue 12: a regrade
rebuilds the evidence of every submission from the cache); a saved file is loaded by the
re-evaluation worker, and a failure of the worker itself is no verdict on the file."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest
from synthetic import tuning_notebook

from grader.evidence import saved
from grader.models.evidence import SaveRecord
from grader.reeval.protocol import ModelFileError, ReevaluationFailed


class Worker:
    """Stands in for the re-evaluation worker: records each file asked for, loads none."""

    def __init__(self, failure: Exception) -> None:
        self.asked: list[str] = []
        self.failure = failure

    def load(self, model: str) -> None:
        self.asked.append(model)
        raise self.failure

    def predict(self, model: str, inputs: str):
        self.asked.append(model)
        raise self.failure


@pytest.fixture(autouse=True)
def _no_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(saved, "exported_file", lambda evidence, folder, mid: f"{folder}/models/{mid}.keras")
    monkeypatch.setattr(saved, "find_test_data", lambda *args: SimpleNamespace(x=None, y=None, x_file="x.npy"))


def test_nothing_saved_loads_nothing(tmp_path) -> None:
    ev = tuning_notebook(2, 10)
    worker = Worker(ModelFileError("no such file"))
    assert saved.check_saved_models(ev, str(tmp_path), ev.roles, lambda p: p, worker) == ()  # type: ignore[arg-type]
    assert worker.asked == []


def _one_saved(tmp_path, worker: Worker):
    model = tmp_path / "best.keras"
    model.write_bytes(b"not a model")
    ev = tuning_notebook(2, 10)
    ev = replace(ev, saves=(SaveRecord(seq=99, cell=1, mid=ev.fits[-1].mid, path=str(model), format="keras"),))
    (check,) = saved.check_saved_models(ev, str(tmp_path), ev.roles, lambda p: p, worker)  # type: ignore[arg-type]
    return ev, model, check


def test_a_saved_file_is_still_checked(tmp_path) -> None:
    worker = Worker(ModelFileError("no such file"))
    ev, model, check = _one_saved(tmp_path, worker)
    assert (check.path, check.loads, check.error, check.judged) == ("best.keras", False, "no such file", True)
    assert worker.asked == [
        f"{tmp_path}/models/{ev.roles.final_mid}.keras",
        str(model),
    ]  # the final model, then the file


def test_a_worker_that_failed_judges_no_file(tmp_path) -> None:
    worker = Worker(ReevaluationFailed("the re-evaluation worker did not answer within 300 s"))
    _, _, check = _one_saved(tmp_path, worker)
    assert (check.loads, check.judged) == (False, False)
    assert "did not answer within 300 s" in (check.error or "")
