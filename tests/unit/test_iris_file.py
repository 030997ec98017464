"""Iris staged for a notebook without importing scikit-learn in the grader (a second or more
per notebook): the rows read from scikit-learn's own data file are exactly ``load_iris()``'s,
and a missing or unexpected file falls back to ``load_iris()``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sklearn.datasets import load_iris

from grader.datasets import iris


def _expected() -> list[tuple[list[str], str]]:
    data = load_iris()
    return [
        ([f"{v:g}" for v in features], str(data.target_names[target]))
        for features, target in zip(data.data, data.target, strict=True)
    ]


def test_the_bundled_file_gives_load_iris_rows() -> None:
    assert iris._bundled_rows() == _expected()


def test_staging_iris_does_not_import_scikit_learn(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from grader.datasets import stage_datasets\n"
        f"stage_datasets(['iris'], Path({str(tmp_path / 'w')!r}), Path({str(tmp_path / 'h')!r}))\n"
        "assert 'sklearn' not in sys.modules, 'scikit-learn was imported'\n"
    )
    (tmp_path / "w").mkdir()
    (tmp_path / "h").mkdir()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "w" / "iris.csv").read_text().count("\n") == 151


def test_an_unexpected_file_falls_back_to_load_iris(monkeypatch, tmp_path: Path) -> None:
    broken = tmp_path / "sklearn"
    (broken / "datasets" / "data").mkdir(parents=True)
    (broken / "datasets" / "data" / "iris.csv").write_text("150,4,a,b,c\n1,2,3\n")
    spec = type("Spec", (), {"submodule_search_locations": [str(broken)]})()
    monkeypatch.setattr(iris.importlib.util, "find_spec", lambda name: spec)
    assert iris._bundled_rows() is None
    iris._flowers.cache_clear()
    try:
        assert iris._flowers() == _expected()
    finally:
        iris._flowers.cache_clear()
