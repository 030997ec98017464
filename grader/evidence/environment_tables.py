"""What student notebooks import that a grading environment may lack: the curated tables.

``COLAB_IMPORTS`` maps the import names of packages Google Colab gives every student to the
distribution that provides them (from Colab's published ``pip freeze``, the
googlecolab/backend-info repository, plus the ML packages its newer images add).  The
``REMOVED_*`` tables list APIs that a library removed, with the release that removed them and
what to write instead, keyed the way each error names them.  Each entry is a fact about a
library, never about one environment: an API that exists where the notebook is graded raises
no error and so is never looked up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Removed:
    """An API a library removed."""

    name: str
    """As a student writes it (``pandas.DataFrame.append``)."""
    removed_in: str
    """The release that removed it (``pandas 2.0``)."""
    instead: str
    """What to write today."""


COLAB_IMPORTS: dict[str, str] = {
    "albumentations": "albumentations",
    "altair": "altair",
    "arviz": "arviz",
    "bokeh": "bokeh",
    "bs4": "beautifulsoup4",
    "catboost": "catboost",
    "cv2": "opencv-python",
    "cvxpy": "cvxpy",
    "dask": "dask",
    "datasets": "datasets",
    "dlib": "dlib",
    "duckdb": "duckdb",
    "fastai": "fastai",
    "flax": "flax",
    "folium": "folium",
    "gdown": "gdown",
    "gensim": "gensim",
    "geopandas": "geopandas",
    "graphviz": "graphviz",
    "gspread": "gspread",
    "h5py": "h5py",
    "holoviews": "holoviews",
    "imageio": "imageio",
    "imblearn": "imbalanced-learn",
    "imgaug": "imgaug",
    "ipywidgets": "ipywidgets",
    "jax": "jax",
    "kaggle": "kaggle",
    "keras": "keras",
    "librosa": "librosa",
    "lightgbm": "lightgbm",
    "matplotlib": "matplotlib",
    "missingno": "missingno",
    "mlxtend": "mlxtend",
    "networkx": "networkx",
    "nltk": "nltk",
    "numba": "numba",
    "numpy": "numpy",
    "openpyxl": "openpyxl",
    "optax": "optax",
    "pandas": "pandas",
    "pandas_datareader": "pandas-datareader",
    "PIL": "pillow",
    "plotly": "plotly",
    "plotnine": "plotnine",
    "polars": "polars",
    "prophet": "prophet",
    "pyarrow": "pyarrow",
    "pydot": "pydot",
    "pydotplus": "pydotplus",
    "pydrive": "PyDrive",
    "pymc": "pymc",
    "scipy": "scipy",
    "seaborn": "seaborn",
    "shap": "shap",
    "skimage": "scikit-image",
    "sklearn": "scikit-learn",
    "sklearn_pandas": "sklearn-pandas",
    "soundfile": "soundfile",
    "spacy": "spacy",
    "statsmodels": "statsmodels",
    "sympy": "sympy",
    "tabulate": "tabulate",
    "tensorflow": "tensorflow",
    "tensorflow_datasets": "tensorflow-datasets",
    "tensorflow_hub": "tensorflow-hub",
    "tensorflow_probability": "tensorflow-probability",
    "textblob": "textblob",
    "torch": "torch",
    "torchaudio": "torchaudio",
    "torchvision": "torchvision",
    "tqdm": "tqdm",
    "transformers": "transformers",
    "umap": "umap-learn",
    "wordcloud": "wordcloud",
    "xarray": "xarray",
    "xgboost": "xgboost",
    "xlrd": "xlrd",
    "yaml": "pyyaml",
    "yellowbrick": "yellowbrick",
    "yfinance": "yfinance",
}
"""Import name -> distribution, for the packages students import on Colab."""

OWN_MODULE_NAMES = frozenset(
    {
        "app",
        "common",
        "config",
        "data",
        "dataset",
        "evaluate",
        "helper",
        "helpers",
        "lib",
        "main",
        "model",
        "models",
        "preprocessing",
        "src",
        "test",
        "tests",
        "tools",
        "train",
        "util",
        "utils",
    }
)
"""Names that are PyPI distributions too but, in a notebook, are nearly always the student's own
file that was not handed in: never called a missing package."""

COLAB_MAGICS = frozenset({"tensorflow_version"})
"""Line magics only Colab defines."""

_KERAS_3 = "Keras 3"
_KERAS_213 = "Keras 2.13 (TensorFlow 2.13)"
_TF2 = "TensorFlow 2.0"
_TF1_INSTEAD = "TensorFlow 2 code (or tf.compat.v1.{name})"

REMOVED_MODULES: dict[str, Removed] = {
    "keras.wrappers": Removed("keras.wrappers.scikit_learn", _KERAS_213, "scikeras.wrappers.KerasClassifier"),
    "tensorflow.keras.wrappers": Removed(
        "tensorflow.keras.wrappers.scikit_learn", _KERAS_213, "scikeras.wrappers.KerasClassifier"
    ),
    "keras.utils.np_utils": Removed("keras.utils.np_utils", _KERAS_213, "keras.utils.to_categorical"),
    "keras.utils.vis_utils": Removed("keras.utils.vis_utils", _KERAS_213, "keras.utils.plot_model"),
    "keras.layers.core": Removed("keras.layers.core", _KERAS_3, "keras.layers"),
    "keras.layers.convolutional": Removed("keras.layers.convolutional", _KERAS_3, "keras.layers"),
    "keras.layers.recurrent": Removed("keras.layers.recurrent", _KERAS_3, "keras.layers"),
    "keras.layers.normalization": Removed("keras.layers.normalization", _KERAS_3, "keras.layers"),
    "keras.layers.embeddings": Removed("keras.layers.embeddings", _KERAS_3, "keras.layers"),
    "keras.layers.pooling": Removed("keras.layers.pooling", _KERAS_3, "keras.layers"),
    "keras.layers.merge": Removed("keras.layers.merge", _KERAS_3, "keras.layers"),
    "keras.layers.advanced_activations": Removed("keras.layers.advanced_activations", _KERAS_3, "keras.layers"),
    "keras.engine": Removed("keras.engine", _KERAS_3, "keras.Model and keras.layers"),
    "sklearn.cross_validation": Removed("sklearn.cross_validation", "scikit-learn 0.20", "sklearn.model_selection"),
    "sklearn.grid_search": Removed("sklearn.grid_search", "scikit-learn 0.20", "sklearn.model_selection"),
    "sklearn.learning_curve": Removed("sklearn.learning_curve", "scikit-learn 0.20", "sklearn.model_selection"),
    "sklearn.externals.joblib": Removed("sklearn.externals.joblib", "scikit-learn 0.23", "import joblib"),
    "tensorflow.contrib": Removed("tensorflow.contrib", _TF2, "TensorFlow 2 APIs (tf.keras, tf.data)"),
    "tensorflow.examples.tutorials": Removed("tensorflow.examples.tutorials", _TF2, "keras.datasets.mnist.load_data()"),
}
"""``No module named 'M'`` for M or a module inside it."""

REMOVED_NAMES: dict[tuple[str, str], Removed] = {
    ("keras.utils", "np_utils"): REMOVED_MODULES["keras.utils.np_utils"],
    ("keras.utils", "vis_utils"): REMOVED_MODULES["keras.utils.vis_utils"],
    ("keras.wrappers", "scikit_learn"): REMOVED_MODULES["keras.wrappers"],
    ("keras.preprocessing.image", "ImageDataGenerator"): Removed(
        "keras.preprocessing.image.ImageDataGenerator", _KERAS_3, "keras.utils.image_dataset_from_directory"
    ),
    ("sklearn.metrics", "plot_confusion_matrix"): Removed(
        "sklearn.metrics.plot_confusion_matrix", "scikit-learn 1.2", "ConfusionMatrixDisplay.from_estimator"
    ),
    ("sklearn.metrics", "plot_roc_curve"): Removed(
        "sklearn.metrics.plot_roc_curve", "scikit-learn 1.2", "RocCurveDisplay.from_estimator"
    ),
    ("sklearn.metrics", "plot_precision_recall_curve"): Removed(
        "sklearn.metrics.plot_precision_recall_curve", "scikit-learn 1.2", "PrecisionRecallDisplay.from_estimator"
    ),
    ("sklearn.datasets", "load_boston"): Removed(
        "sklearn.datasets.load_boston", "scikit-learn 1.2", "fetch_california_housing"
    ),
    ("sklearn.externals", "joblib"): REMOVED_MODULES["sklearn.externals.joblib"],
    ("sklearn.preprocessing", "Imputer"): Removed(
        "sklearn.preprocessing.Imputer", "scikit-learn 0.22", "sklearn.impute.SimpleImputer"
    ),
}
"""``cannot import name 'N' from 'M'``, keyed by (M, N)."""

_NUMPY_ALIAS = "the Python type ({name}) or np.{name}64"
REMOVED_ATTRIBUTES: dict[tuple[str, str], Removed] = {
    ("pandas", "value_counts"): Removed("pandas.value_counts", "pandas 3.0", "pd.Series(values).value_counts()"),
    ("numpy", "asscalar"): Removed("numpy.asscalar", "NumPy 1.23", "array.item()"),
    ("numpy", "product"): Removed("numpy.product", "NumPy 2.0", "np.prod"),
    ("numpy", "cumproduct"): Removed("numpy.cumproduct", "NumPy 2.0", "np.cumprod"),
    ("numpy", "alltrue"): Removed("numpy.alltrue", "NumPy 2.0", "np.all"),
    ("numpy", "sometrue"): Removed("numpy.sometrue", "NumPy 2.0", "np.any"),
    ("numpy", "in1d"): Removed("numpy.in1d", "NumPy 2.4", "np.isin"),
    ("numpy", "trapz"): Removed("numpy.trapz", "NumPy 2.4", "np.trapezoid"),
    ("keras.utils", "np_utils"): REMOVED_MODULES["keras.utils.np_utils"],
    **{
        ("numpy", alias): Removed(f"numpy.{alias}", "NumPy 1.24", f"{alias} (or np.{alias}_)")
        for alias in ("bool", "object", "str")
    },
    **{
        ("numpy", alias): Removed(f"numpy.{alias}", "NumPy 1.24", _NUMPY_ALIAS.format(name=alias))
        for alias in ("float", "int", "complex")
    },
    **{
        ("tensorflow", name): Removed(f"tensorflow.{name}", _TF2, _TF1_INSTEAD.format(name=name))
        for name in (
            "placeholder",
            "Session",
            "InteractiveSession",
            "set_random_seed",
            "global_variables_initializer",
            "reset_default_graph",
            "get_default_graph",
            "ConfigProto",
            "contrib",
            "random_normal",
            "truncated_normal",
            "variable_scope",
            "get_variable",
        )
    },
}
"""``module 'M' has no attribute 'A'``, keyed by (M, A)."""

_KERAS_MODELS = ("Sequential", "Functional", "Model")
_PANDAS_OBJECTS = ("DataFrame", "Series")
_FEATURE_NAMERS = (
    "OneHotEncoder",
    "ColumnTransformer",
    "PolynomialFeatures",
    "CountVectorizer",
    "TfidfVectorizer",
    "DictVectorizer",
)
REMOVED_METHODS: dict[tuple[str, str], Removed] = {
    **{
        (kind, "append"): Removed(f"pandas.{kind}.append", "pandas 2.0", "pd.concat([...])") for kind in _PANDAS_OBJECTS
    },
    **{(kind, "iteritems"): Removed(f"pandas.{kind}.iteritems", "pandas 2.0", ".items()") for kind in _PANDAS_OBJECTS},
    **{
        (kind, "mad"): Removed(f"pandas.{kind}.mad", "pandas 2.0", "(x - x.mean()).abs().mean()")
        for kind in _PANDAS_OBJECTS
    },
    **{
        (kind, "swapaxes"): Removed(f"pandas.{kind}.swapaxes", "pandas 3.0", ".transpose()") for kind in _PANDAS_OBJECTS
    },
    **{(kind, "ix"): Removed(f"pandas.{kind}.ix", "pandas 1.0", ".loc or .iloc") for kind in _PANDAS_OBJECTS},
    **{
        (kind, "as_matrix"): Removed(f"pandas.{kind}.as_matrix", "pandas 1.0", ".to_numpy()")
        for kind in _PANDAS_OBJECTS
    },
    ("DataFrame", "applymap"): Removed("pandas.DataFrame.applymap", "pandas 3.0", "DataFrame.map"),
    ("DataFrame", "lookup"): Removed("pandas.DataFrame.lookup", "pandas 2.0", ".loc or .melt"),
    **{
        (kind, name): Removed(f"keras.Model.{name}", "TensorFlow 2.6", "np.argmax(model.predict(x), axis=1)")
        for kind in _KERAS_MODELS
        for name in ("predict_classes", "predict_proba")
    },
    **{
        (kind, name): Removed(f"keras.Model.{name}", _KERAS_3, name.removesuffix("_generator"))
        for kind in _KERAS_MODELS
        for name in ("fit_generator", "evaluate_generator", "predict_generator")
    },
    **{
        (kind, "get_feature_names"): Removed(
            f"sklearn {kind}.get_feature_names", "scikit-learn 1.2", "get_feature_names_out()"
        )
        for kind in _FEATURE_NAMERS
    },
}
"""``'T' object has no attribute 'A'``, keyed by (T, A): only library types, never a student's own."""

REMOVED_ARGUMENTS: dict[tuple[str, str], Removed] = {
    ("OneHotEncoder", "sparse"): Removed("OneHotEncoder(sparse=...)", "scikit-learn 1.4", "sparse_output=..."),
    ("", "squared"): Removed(
        "mean_squared_error(squared=False)", "scikit-learn 1.6", "root_mean_squared_error(y_true, y_pred)"
    ),
    ("read_csv", "error_bad_lines"): Removed("read_csv(error_bad_lines=...)", "pandas 2.0", "on_bad_lines='skip'"),
    ("read_csv", "warn_bad_lines"): Removed("read_csv(warn_bad_lines=...)", "pandas 2.0", "on_bad_lines='warn'"),
    ("read_csv", "delim_whitespace"): Removed("read_csv(delim_whitespace=True)", "pandas 3.0", r"sep=r'\s+'"),
    ("fillna", "method"): Removed("fillna(method=...)", "pandas 3.0", ".ffill() or .bfill()"),
    ("to_csv", "line_terminator"): Removed("to_csv(line_terminator=...)", "pandas 2.0", "lineterminator=..."),
}
"""``F() got an unexpected keyword argument 'K'``, keyed by (F's last name part, K); "" when the
error names no function (scikit-learn's parameter validation)."""

KERAS_LR = Removed("optimizer(lr=...)", _KERAS_3, "learning_rate=...")
PANDAS_DROP_AXIS = Removed("DataFrame.drop(columns=..., axis=...)", "pandas 3.0", "drop(columns=...) without axis")
SEABORN_STYLE = Removed("plt.style.use('{style}')", "matplotlib 3.8", "'seaborn-v0_8' (or sns.set_theme())")
