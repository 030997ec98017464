"""What the probe records from a real kernel: one small notebook exercising every hook, run in
each grading environment the probe supports (the grader's own: pandas 3, the newest
scikit-learn; and an older one: pandas 2, scikit-learn 1.3, numpy 1.26)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

CELLS = [
    # 0: data, split through the private module path too
    "import numpy as np\nfrom sklearn.datasets import load_iris\n"
    "from sklearn.model_selection import train_test_split\n"
    "X, y = load_iris(return_X_y=True)\n"
    "X_latih, X_uji, y_latih, y_uji = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)",
    # 1: available_if methods of Pipeline / GridSearchCV must still work under the probe
    "from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler\n"
    "from sklearn.linear_model import LogisticRegression\nfrom sklearn.model_selection import GridSearchCV\n"
    "pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X_latih, y_latih)\n"
    "print('pipe', round(pipe.score(X_uji, y_uji), 3))\n"
    "grid = GridSearchCV(LogisticRegression(max_iter=500), {'C': [0.1, 1.0, 10.0]}, cv=3).fit(X_latih, y_latih)\n"
    "print('grid', grid.predict(X_uji[:3]))",
    # 2: a ColumnTransformer fitted on all rows (a leak), and a plain classifier's score
    "from sklearn.compose import make_column_transformer\n"
    "ct = make_column_transformer((StandardScaler(), [0, 1, 2, 3]))\nX_all = ct.fit_transform(X)\n"
    "a, b, c, d = train_test_split(X_all, y, test_size=0.3, random_state=1)\n"
    "clf = LogisticRegression(max_iter=500).fit(a, c)\nprint('score', clf.score(b, d))",
    # 3: the removed plot_confusion_matrix works through the shim; plt.show closes the figure
    "import matplotlib.pyplot as plt\nfrom sklearn.metrics import plot_confusion_matrix\n"
    "plot_confusion_matrix(clf, b, d)\nplt.show()",
    # 4: monkeypatching a hooked function is seen as tampering
    "import sklearn.metrics\nsklearn.metrics.accuracy_score = lambda *a, **k: 1.0",
    # 5: one fill with the column means is one record, not one per column pandas fills inside
    "import pandas as pd\ndf = pd.DataFrame({'a': [1.0, None, 3.0], 'b': [None, 2.0, 4.0], 'c': [1.0, 2.0, None]})\n"
    "df = df.fillna(df.mean())",
]


@pytest.fixture(scope="module")
def probe_run(run_store, tmp_path_factory, grading_env):
    folder = tmp_path_factory.mktemp("probe")
    path = Path(folder) / "probe_hooks.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# probe test")] + [nbformat.v4.new_code_cell(c) for c in CELLS]
    nbformat.write(nb, str(path))
    run = run_store.run(path, environment=grading_env)
    where = run.evidence.reevaluated_in
    assert where is not None and where.prefix == str(grading_env.path if grading_env else sys.prefix)
    return run


@pytest.mark.notebook
def test_every_cell_runs_under_the_probe(probe_run):
    assert [c.status for c in probe_run.outcome.cells] == ["ok"] * len(CELLS)
    text = "".join(o.text for o in probe_run.evidence.outputs)
    assert "pipe " in text and "grid [" in text


@pytest.mark.notebook
def test_cells_are_attributed_by_notebook_index(probe_run):
    ev = probe_run.evidence
    assert ev.splits[0].cell == 1 and ev.splits[0].stratify
    assert [s.cell for s in ev.searches] == [2] and ev.searches[0].n_candidates == 3


@pytest.mark.notebook
def test_column_transformer_leak_and_classifier_score(probe_run):
    ev = probe_run.evidence
    container = [p for p in ev.prep_fits if p.estimator == "ColumnTransformer"]
    assert container and container[0].parts == ("StandardScaler",)
    assert any(e.method == "score" and e.cell == 3 for e in ev.evaluations)
    assert ev.roles.final_mid is not None
    assert any("ColumnTransformer" in leak for leak in ev.roles.leaks)


@pytest.mark.notebook
def test_shim_figure_and_tampering(probe_run):
    ev = probe_run.evidence
    assert any(n.code == "shim_plot_confusion_matrix" for n in ev.notes)
    grids = [g for f in ev.figures if f.cell == 4 for a in f.axes for g in a.images]
    assert grids and grids[0].shape == (3, 3)
    assert "accuracy_score" in " ".join(ev.tampered)


@pytest.mark.notebook
def test_a_frame_filled_with_its_means_is_one_record(probe_run):
    fills = [f for f in probe_run.evidence.prep_fits if f.method == "fillna"]
    assert [(f.estimator, f.cell, f.parts, f.input.n) for f in fills] == [("DataFrame.fillna", 6, ("mean",), 3)]
