"""Cell errors the grading environment caused, told apart from the student's own mistakes.

The error strings are the real ones (``ExceptionName: str(exception)``, as the runner records a
cell error) of pandas 3, NumPy 2.4, scikit-learn 1.9, Keras 3, matplotlib 3.11 and IPython 9.
"""

from __future__ import annotations

import pytest

from grader.evidence.environment import bound_names, classify_error, find_environment_gaps
from grader.models.evidence import CellOutput
from grader.models.execution import CellRun

SITE = "/usr/lib/python3/site-packages"


@pytest.mark.parametrize(
    ("error", "kind", "name", "detail"),
    [
        ("ModuleNotFoundError: No module named 'imblearn'", "missing_package", "imblearn", "imbalanced-learn"),
        ("ModuleNotFoundError: No module named 'xgboost'", "missing_package", "xgboost", "xgboost"),
        ("ModuleNotFoundError: No module named 'cv2'", "missing_package", "cv2", "opencv-python"),
        ("ModuleNotFoundError: No module named 'plotly'", "missing_package", "plotly", "plotly"),
        # not a Colab package, but one of PyPI's most downloaded: still the environment's
        ("ModuleNotFoundError: No module named 'catboost'", "missing_package", "catboost", "catboost"),
        (
            f"ImportError: cannot import name 'np_utils' from 'keras.utils' ({SITE}/keras/utils/__init__.py)",
            "removed_api",
            "keras.utils.np_utils",
            "Keras 2.13 (TensorFlow 2.13)",
        ),
        (
            "ModuleNotFoundError: No module named 'keras.wrappers.scikit_learn'",
            "removed_api",
            "keras.wrappers.scikit_learn",
            "Keras 2.13 (TensorFlow 2.13)",
        ),
        (
            "ModuleNotFoundError: No module named 'tensorflow.keras.wrappers'",
            "removed_api",
            "tensorflow.keras.wrappers.scikit_learn",
            "Keras 2.13 (TensorFlow 2.13)",
        ),
        ("ModuleNotFoundError: No module named 'keras.layers.core'", "removed_api", "keras.layers.core", "Keras 3"),
        (
            "AttributeError: module 'pandas' has no attribute 'value_counts'",
            "removed_api",
            "pandas.value_counts",
            "pandas 3.0",
        ),
        (
            "AttributeError: 'DataFrame' object has no attribute 'append'",
            "removed_api",
            "pandas.DataFrame.append",
            "pandas 2.0",
        ),
        (
            "AttributeError: 'Series' object has no attribute 'iteritems'",
            "removed_api",
            "pandas.Series.iteritems",
            "pandas 2.0",
        ),
        (
            "AttributeError: 'DataFrame' object has no attribute 'applymap'",
            "removed_api",
            "pandas.DataFrame.applymap",
            "pandas 3.0",
        ),
        (
            "TypeError: NDFrame.fillna() got an unexpected keyword argument 'method'",
            "removed_api",
            "fillna(method=...)",
            "pandas 3.0",
        ),
        (
            "TypeError: read_csv() got an unexpected keyword argument 'error_bad_lines'",
            "removed_api",
            "read_csv(error_bad_lines=...)",
            "pandas 2.0",
        ),
        (
            "ValueError: Cannot specify both 'axis' and 'index'/'columns'",
            "removed_api",
            "DataFrame.drop(columns=..., axis=...)",
            "pandas 3.0",
        ),
        (
            "ImportError: \n`load_boston` has been removed from scikit-learn since version 1.2.\n\nThe Boston housing",
            "removed_api",
            "sklearn.datasets.load_boston",
            "scikit-learn 1.2",
        ),
        (
            f"ImportError: cannot import name 'plot_roc_curve' from 'sklearn.metrics' ({SITE}/sklearn/metrics.py)",
            "removed_api",
            "sklearn.metrics.plot_roc_curve",
            "scikit-learn 1.2",
        ),
        (
            "TypeError: OneHotEncoder.__init__() got an unexpected keyword argument 'sparse'",
            "removed_api",
            "OneHotEncoder(sparse=...)",
            "scikit-learn 1.4",
        ),
        (
            "TypeError: got an unexpected keyword argument 'squared'",
            "removed_api",
            "mean_squared_error(squared=False)",
            "scikit-learn 1.6",
        ),
        ("ValueError: Argument(s) not recognized: {'lr': 0.01}", "removed_api", "optimizer(lr=...)", "Keras 3"),
        (
            "AttributeError: 'Sequential' object has no attribute 'predict_classes'",
            "removed_api",
            "keras.Model.predict_classes",
            "TensorFlow 2.6",
        ),
        (
            "AttributeError: 'Sequential' object has no attribute 'fit_generator'",
            "removed_api",
            "keras.Model.fit_generator",
            "Keras 3",
        ),
        (
            "AttributeError: module 'numpy' has no attribute 'float'.\n`np.float` was a deprecated alias for the "
            "builtin `float`.",
            "removed_api",
            "numpy.float",
            "NumPy 1.24",
        ),
        (
            "AttributeError: `np.NaN` was removed in the NumPy 2.0 release. Use `np.nan` instead.",
            "removed_api",
            "numpy.NaN",
            "NumPy 2.0",
        ),
        (
            "AttributeError: module 'tensorflow' has no attribute 'placeholder'",
            "removed_api",
            "tensorflow.placeholder",
            "TensorFlow 2.0",
        ),
        (
            "OSError: 'seaborn-whitegrid' is not a valid package style, path of style file, URL of style file, or "
            "library style name (library styles are listed in `style.available`)",
            "removed_api",
            "plt.style.use('seaborn-whitegrid')",
            "matplotlib 3.8",
        ),
        ("UsageError: Line magic function `%tensorflow_version` not found.", "colab_only", "%tensorflow_version", None),
        ("ModuleNotFoundError: No module named 'google.colab.userdata'", "colab_only", "google.colab.userdata", None),
        (
            "ImportError: cannot import name 'auth' from 'google.colab' (unknown location)",
            "colab_only",
            "google.colab.auth",
            None,
        ),
    ],
)
def test_environment_errors_are_classified(error: str, kind: str, name: str, detail: str | None) -> None:
    found = classify_error(error)
    assert found is not None, error
    assert (found.kind, found.name) == (kind, name)
    assert detail == (found.package if kind == "missing_package" else found.removed_in)
    if kind == "removed_api":
        assert found.removed_in


@pytest.mark.parametrize(
    "error",
    [
        "ModuleNotFoundError: No module named 'tensorflw'",  # misspelt
        "ModuleNotFoundError: No module named 'sklern'",
        "ModuleNotFoundError: No module named 'scikit_learn'",  # the distribution's name, not the import name
        "ModuleNotFoundError: No module named 'utils'",  # the student's own file, not handed in
        "ModuleNotFoundError: No module named 'my_helpers'",
        "ModuleNotFoundError: No module named 'sklearn.model_selections'",  # a typo inside a real package
        "ModuleNotFoundError: No module named 'keras.layer'",
        f"ImportError: cannot import name 'train_test_spilt' from 'sklearn.model_selection' ({SITE}/x.py)",
        "NameError: name 'SMOTE' is not defined",
        "NameError: name 'history1' is not defined",
        "AttributeError: 'DataFrame' object has no attribute 'Category'",  # a column typo
        "AttributeError: module 'pandas' has no attribute 'read_cvs'",
        "AttributeError: 'MyModel' object has no attribute 'append'",  # the student's own class
        "AttributeError: 'list' object has no attribute 'push'",
        "AttributeError: 'NoneType' object has no attribute 'fit'",
        "TypeError: fit() got an unexpected keyword argument 'epoch'",
        "ValueError: Input contains NaN.",
        "UsageError: Line magic function `%matplotlb` not found.",
        "KeyError: 'Category'",
        "",
    ],
)
def test_the_students_own_mistakes_are_not_classified(error: str) -> None:
    assert classify_error(error) is None


def test_bound_names_cover_imports_assignments_and_definitions() -> None:
    source = (
        "%matplotlib inline\n!pip install imbalanced-learn\nimport numpy as np\nimport keras.layers\n"
        "from imblearn.over_sampling import SMOTE\nX_res, (y_res, w) = 1, (2, 3)\nfor i in range(3):\n    pass\n"
        "def buat_model(units):\n    inner = 1\nclass Net: ...\nwith open('f') as handle: ...\n"
    )
    assert bound_names(source) >= {"np", "keras", "SMOTE", "X_res", "y_res", "w", "i", "buat_model", "Net", "handle"}
    assert "range" not in bound_names(source)
    assert {"x", "broken"} <= bound_names("x = (\nbroken")  # unparsable: every identifier counts


def _cell(index: int, error: str | None = None) -> CellRun:
    return CellRun(index=index, status="error" if error else "ok", error=error)


def _source(index: int, text: str) -> CellOutput:
    return CellOutput(index=index, text="", images=0, source=text)


def test_cells_that_failed_because_of_a_gap_are_traced() -> None:
    cells = [
        _cell(1),
        _cell(2, "ModuleNotFoundError: No module named 'imblearn'"),
        _cell(4),
        _cell(5, "NameError: name 'SMOTE' is not defined"),
        _cell(6, "NameError: name 'X_res' is not defined"),
        _cell(7, "NameError: name 'historyy' is not defined"),  # the student's typo: not the gap's
        _cell(8, "NameError: name 'history' is not defined"),
        _cell(9, "ModuleNotFoundError: No module named 'xgboost'"),
        _cell(10, "ModuleNotFoundError: No module named 'imblearn'"),
    ]
    sources = [
        _source(1, "import pandas as pd"),
        _source(2, "from imblearn.over_sampling import SMOTE"),
        _source(5, "X_res, y_res = SMOTE().fit_resample(X_train, y_train)"),
        _source(6, "history = model.fit(X_res, y_res, epochs=50)"),
        _source(7, "plt.plot(historyy.history['loss'])"),
        _source(8, "plt.plot(history.history['loss'])"),
        _source(9, "import xgboost"),
        _source(10, "import imblearn"),
    ]
    imblearn, xgboost = find_environment_gaps(cells, sources)
    assert (imblearn.kind, imblearn.name, imblearn.package, imblearn.cell) == (
        "missing_package",
        "imblearn",
        "imbalanced-learn",
        2,
    )
    assert imblearn.affected == (2, 5, 6, 8, 10)
    assert imblearn.error == "ModuleNotFoundError: No module named 'imblearn'"
    assert (xgboost.name, xgboost.affected) == ("xgboost", (9,))


def test_a_notebook_without_environment_errors_has_no_gaps() -> None:
    cells = [_cell(0), _cell(1, "NameError: name 'history1' is not defined"), _cell(2, "KeyError: 'x'")]
    assert find_environment_gaps(cells, [_source(1, "plt.plot(history1.history['loss'])")]) == ()
