"""Real notebook habits graded in the sandbox: a Colab notebook grades like its local twin."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from . import SHARED_DATA, SandboxRun, needs_sandbox, run_sandboxed

pytestmark = [pytest.mark.sandbox, pytest.mark.notebook, needs_sandbox]

HCV_URL = "https://archive.ics.uci.edu/ml/machine-learning-databases/00571/hcvdat0.csv"
ANALYSIS = (
    "from sklearn.model_selection import train_test_split\n"
    "train, test = train_test_split(df, test_size=0.2, random_state=0)\n"
    "print(df.shape, train.shape, test.shape, round(float(df['ALB'].mean()), 3))"
)


def _hcv_source() -> Path:
    real = SHARED_DATA / "hcvdat0.csv"
    if real.exists():
        return real
    pytest.skip("../shared/data/hcvdat0.csv is not present")


def _stage_into_work(ws) -> dict[str, str]:
    """Like the grader's staging: the dataset sits in the notebook's folder."""
    target = ws.work / "hcvdat0.csv"
    shutil.copy(_hcv_source(), target)
    return {"hcvdat0.csv": str(target)}


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> tuple[SandboxRun, SandboxRun]:
    root = tmp_path_factory.mktemp("twins")
    local = run_sandboxed(
        root / "local",
        "import pandas as pd",
        "print('working locally')",
        "pass",
        "df = pd.read_csv('hcvdat0.csv')",
        ANALYSIS,
        prepare=_stage_into_work,
    )
    colab = run_sandboxed(
        root / "colab",
        "import pandas as pd",
        "from google.colab import drive\ndrive.mount('/content/drive')\n%cd /content/drive/MyDrive/Tugas ANN",
        "!pip install scikit-learn==0.24.2\n!apt-get install -y graphviz",
        "df = pd.read_csv('/content/drive/MyDrive/data/hcvdat0.csv')",
        ANALYSIS,
        prepare=_stage_into_work,
    )
    return local, colab


def test_colab_notebook_grades_like_its_local_twin(twins) -> None:
    local, colab = twins
    assert local.outcome.status == colab.outcome.status == "completed"
    assert local.statuses() == colab.statuses() == ["ok"] * 5
    assert local.printed[4] == colab.printed[4] and local.printed[4].startswith("(615, 14) (492, 14) (123, 14)")


def test_what_was_done_for_the_student_is_noted(twins) -> None:
    _, colab = twins
    codes = [(n["code"], n["cell"]) for n in colab.notes()]
    assert ("colab_mount", 1) in codes
    assert ("colab_chdir", 1) in codes  # %cd into a Drive folder that only Colab has
    assert ("install_skipped", 2) in codes
    served = [n["detail"] for n in colab.notes() if n["code"] == "dataset_served"]
    assert served == [{"file": "hcvdat0.csv", "requested": "/content/drive/MyDrive/data/hcvdat0.csv"}]
    assert "drive.mount('/content/drive') skipped" in colab.printed[1]


def test_downloads_and_colab_uploads_are_served(tmp_path: Path) -> None:
    run = run_sandboxed(
        tmp_path,
        "import pandas as pd, urllib.request\n"
        f"print(pd.read_csv({HCV_URL!r}).shape)\n"
        f"print(urllib.request.urlretrieve({HCV_URL!r}, 'copy.csv')[0])",
        f"!wget -q {HCV_URL} -O fetched.csv\nprint(pd.read_csv('fetched.csv').shape)",
        "from google.colab import files\nup = files.upload()\n"
        "import io\nprint(pd.read_csv(io.BytesIO(up['hcvdat0.csv'])).shape)",
        "open('/content/drive/MyDrive/out.csv', 'w')",
        "from google.colab import drive\ndrive.mount('/content/drive')\n"
        "pd.DataFrame({'a': [1]}).to_csv('/content/drive/MyDrive/out.csv')\n"
        "import os\nprint(os.path.exists('drive/MyDrive/out.csv'))",
        prepare=_stage_into_work,
    )
    assert run.statuses() == ["ok", "ok", "ok", "error", "ok"]  # no Drive folder before drive.mount
    assert run.printed[0] == "(615, 14)\ncopy.csv\n"
    assert run.printed[1].endswith("(615, 14)\n")
    assert run.printed[2].endswith("(615, 14)\n")
    assert run.printed[4].endswith("True\n")


def test_keras_h5_matplotlib_and_old_sklearn_api(tmp_path: Path) -> None:
    run = run_sandboxed(
        tmp_path,
        "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()",
        "import numpy as np\nfrom sklearn.linear_model import LogisticRegression\n"
        "from sklearn.metrics import plot_confusion_matrix\n"
        "X = np.random.rand(40, 3); y = (X[:, 0] > .5).astype(int)\n"
        "plot_confusion_matrix(LogisticRegression().fit(X, y), X, y)\nplt.show()",
        "from tensorflow import keras\n"
        "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation='relu'), keras.layers.Dense(1)])\n"
        "m.compile(optimizer='adam', loss='mse')\nm.fit(X, y, epochs=1, verbose=0)\nm.save('model.h5')\n"
        "print(keras.models.load_model('model.h5', compile=False).predict(X[:2], verbose=0).shape)",
        f"print(keras.utils.get_file('hcvdat0.csv', {HCV_URL!r}))",
        cell_timeout=120,
        notebook_timeout=240,
        prepare=_stage_into_work,
    )
    assert run.outcome.status == "completed", run.outcome
    assert run.statuses() == ["ok"] * 4
    nb = nbformat.read(run.outcome.executed_notebook, as_version=4)
    assert ["image/png" in str(o.get("data", {}).keys()) for o in nb.cells[0].outputs] == [True]
    assert any("image/png" in o.get("data", {}) for o in nb.cells[1].outputs)
    assert (run.result.workspace.work / "model.h5").exists()
    assert "(2, 1)" in run.printed[2]
    assert run.printed[3].strip() == str(run.result.workspace.work / "hcvdat0.csv")
