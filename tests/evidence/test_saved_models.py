"""``check_saved_models``: a notebook that saved nothing costs no model load (issue 12: a regrade
rebuilds the evidence of every submission from the cache)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest
from synthetic import tuning_notebook

from grader.evidence import saved
from grader.models.evidence import SaveRecord


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every model file ``check_saved_models`` asks to load (none loads: there are no files)."""
    asked: list[str] = []

    def load(path: str):
        asked.append(path)
        raise saved.ModelFileError("no such file")

    monkeypatch.setattr(saved, "load_predictor", load)
    monkeypatch.setattr(saved, "exported_file", lambda evidence, folder, mid: f"{folder}/models/{mid}.keras")
    monkeypatch.setattr(saved, "find_test_data", lambda *args: SimpleNamespace(x=None, y=None))
    return asked


def test_nothing_saved_loads_nothing(loads: list[str], tmp_path) -> None:
    ev = tuning_notebook(2, 10)
    assert saved.check_saved_models(ev, str(tmp_path), ev.roles, lambda p: p) == ()
    assert loads == []


def test_a_saved_file_is_still_checked(loads: list[str], tmp_path) -> None:
    model = tmp_path / "best.keras"
    model.write_bytes(b"not a model")
    ev = tuning_notebook(2, 10)
    ev = replace(ev, saves=(SaveRecord(seq=99, cell=1, mid=ev.fits[-1].mid, path=str(model), format="keras"),))
    (check,) = saved.check_saved_models(ev, str(tmp_path), ev.roles, lambda p: p)
    assert (check.path, check.loads, check.error) == ("best.keras", False, "no such file")
    assert loads == [f"{tmp_path}/models/{ev.roles.final_mid}.keras", str(model)]  # the final model, then the file
