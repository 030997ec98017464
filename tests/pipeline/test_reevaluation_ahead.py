"""The re-evaluation worker started ahead: which formats a notebook's imports suggest (read, not
run), the worker started with the run handed over for that run's evidence only, and ended when
never used (unit: the grader's own interpreter, no kernel)."""

from __future__ import annotations

from pathlib import Path

import nbformat

from grader.execute.workspace import workspace_at
from grader.pipeline.reevaluation import ReevaluatorAhead, likely_model_formats


def _notebook(tmp_path: Path, *sources: str, markdown: str = "") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown)] + [nbformat.v4.new_code_cell(s) for s in sources]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def test_the_formats_come_from_the_code_cells_imports(tmp_path: Path) -> None:
    assert likely_model_formats(_notebook(tmp_path, "import tensorflow as tf", "from sklearn import x")) == [
        ".keras",
        ".skops",
    ]
    assert likely_model_formats(_notebook(tmp_path, "from tensorflow import keras")) == [".keras"]
    assert likely_model_formats(_notebook(tmp_path, "  import keras")) == [".keras"]
    assert likely_model_formats(_notebook(tmp_path, "from sklearn.neural_network import MLPClassifier")) == [".skops"]
    both = likely_model_formats(_notebook(tmp_path, "import numpy as np", "import tensorflow", "import sklearn"))
    assert both == [".keras", ".skops"]
    # prose and strings are not imports; a broken file is no guess, not an error
    assert likely_model_formats(_notebook(tmp_path, "print('import keras')", markdown="import tensorflow")) == []
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    assert likely_model_formats(broken) == []
    assert likely_model_formats(tmp_path / "missing.ipynb") == []


def test_the_worker_started_with_the_run_serves_that_run_only(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    (tmp_path / "other").mkdir()
    ahead = ReevaluatorAhead(None, False, [".skops"])
    ahead.start(workspace_at(tmp_path / "run", "nb.ipynb"))
    started = ahead._started[1] if ahead._started else None
    assert started is not None and started.started  # running (and warming) while the notebook runs
    assert ahead.take(tmp_path / "run") is started
    assert ahead.take(tmp_path / "run") is not started  # handed over once
    started.close()

    ahead.start(workspace_at(tmp_path / "run", "nb.ipynb"))
    early = ahead._started[1] if ahead._started else None
    fresh = ahead.take(tmp_path / "other")  # another folder (a cached run): a new worker, the early one ended
    assert fresh is not early and early is not None and early._process is None
    fresh.close()


def test_nothing_starts_for_a_notebook_without_model_imports_and_an_unused_worker_is_ended(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    idle = ReevaluatorAhead(None, False, [])
    idle.start(workspace_at(tmp_path / "run", "nb.ipynb"))
    assert idle._started is None
    ahead = ReevaluatorAhead(None, False, [".skops"])
    ahead.start(workspace_at(tmp_path / "run", "nb.ipynb"))
    worker = ahead._started[1] if ahead._started else None
    ahead.close()  # the run failed: nobody took it
    assert worker is not None and worker._process is None and ahead._started is None
