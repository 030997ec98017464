"""Models are re-evaluated in a fresh process of the environment the notebook ran in: a model
trained in the older test environment (scikit-learn 1.3) is loaded again by that environment's
interpreter, as the evidence records, and the result names the same versions; graded twice from
the built environment, the notebook gives identical evidence."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
from conftest import sandbox_ok

from grader.intake import collect_submissions
from grader.models.rubric import Rubric
from grader.pipeline import GradeSettings, grade_submission

pytestmark = pytest.mark.notebook
CELLS = [
    "import numpy as np\nfrom sklearn.datasets import load_iris\nfrom sklearn.model_selection import train_test_split\n"
    "from sklearn.neural_network import MLPClassifier\nfrom sklearn.metrics import accuracy_score\n"
    "X, y = load_iris(return_X_y=True)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)",
    "model = MLPClassifier(hidden_layer_sizes=(8,), max_iter=300, random_state=0).fit(X_train, y_train)\n"
    "print('accuracy', accuracy_score(y_test, model.predict(X_test)))",
]
RUBRIC = Rubric.model_validate(
    {
        "schema": 1,
        "name": "reeval",
        "title": "re-evaluation",
        "items": [
            {"id": "runs", "title": "runs", "check": "runs", "points": 1},
            {"id": "metric", "title": "metric", "check": "metric", "points": 1, "params": {"min": 0.5}},
        ],
    }
)


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reeval") / "iris_mlp.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    nbformat.write(nb, path)
    return path


def _grade(notebook: Path, environment: Any, work_root: Path):
    settings = GradeSettings(
        rubric=RUBRIC, cache=None, work_root=work_root, sandboxed=sandbox_ok(), environment=environment
    )
    return grade_submission(collect_submissions(notebook)[0], settings)


@pytest.fixture(scope="module")
def twice(notebook: Path, older_env, tmp_path_factory: pytest.TempPathFactory):
    """The notebook graded twice in the older environment, each a fresh execution."""
    return [_grade(notebook, older_env, tmp_path_factory.mktemp(f"run{i}")) for i in range(2)]


def test_the_model_is_reevaluated_in_the_environment_it_was_trained_in(twice, older_env) -> None:
    graded = twice[0]
    evidence, result = graded.evidence, graded.result
    assert [c.status for c in evidence.cells] == ["ok", "ok"]
    (measured,) = [m for m in evidence.measurements if m.role == "test"]
    assert measured.n == 45 and measured.accuracy > 0.5
    where = evidence.reevaluated_in
    assert where is not None
    assert where.executable == str(older_env.python) and where.prefix == str(older_env.path)
    versions = where.versions()
    assert versions["scikit-learn"] == "1.3.2" and versions["numpy"] == "1.26.4"
    # the re-evaluation's environment is the one the result records
    recorded = result.environment
    assert recorded is not None and recorded.spec_hash == older_env.info.spec_hash
    shared = set(versions) & set(recorded.packages)
    assert {"python", "numpy", "pandas", "scikit-learn"} <= shared
    assert {n: versions[n] for n in shared} == {n: recorded.packages[n] for n in shared}
    assert {i.id: i.passed for i in result.items} == {"runs": True, "metric": True}


def test_without_an_environment_the_grader_s_own_interpreter_reevaluates(notebook: Path, tmp_path: Path) -> None:
    graded = _grade(notebook, None, tmp_path)
    where = graded.evidence.reevaluated_in
    assert where is not None and where.prefix == sys.prefix
    assert where.versions()["scikit-learn"] == graded.result.environment.packages["scikit-learn"]
    assert graded.evidence.measurement("test") is not None


TIMED = ("seconds", "duration_s")


def _untimed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: None if k in TIMED else _untimed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_untimed(v) for v in value]
    return value


def _canonical(evidence: Any) -> str:
    """The evidence as JSON, without what is timed or where the run's folders were."""
    data = _untimed(asdict(evidence))

    def plain(value: Any) -> Any:
        if isinstance(value, np.ndarray | np.generic):
            return value.tolist()
        return repr(value)

    text = json.dumps(data, default=plain, sort_keys=True)
    return text


def test_graded_twice_from_a_built_environment_the_evidence_is_identical(twice) -> None:
    first, second = (_canonical(g.evidence) for g in twice)
    roots = [str(g.workspace.root) for g in twice]
    assert first.replace(roots[0], "<run>") == second.replace(roots[1], "<run>")
    assert twice[0].evidence.measurements == twice[1].evidence.measurements
    assert twice[0].result.score == twice[1].result.score == 2
