"""The grader's own confusion matrix and macro-F1 (no scikit-learn import in the grader) agree
with scikit-learn's on labels of every kind a notebook predicts."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion
from sklearn.metrics import f1_score

from grader.evidence.reevaluate import confusion_matrix, macro_f1


@pytest.mark.parametrize("seed", range(8))
def test_they_agree_with_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    classes = [np.arange(5), np.array(["Blood Donor", "Hepatitis", "Fibrosis", "Cirrhosis", "suspect"])][seed % 2]
    y = rng.choice(classes[: 2 + seed % 4], size=60)
    p = rng.choice(classes, size=60)  # some classes predicted that never occur, some never predicted
    labels = np.unique(np.concatenate([y, p]))
    assert confusion_matrix(y, p, labels).tolist() == sk_confusion(y, p, labels=labels).tolist()
    expected = f1_score(y, p, average="macro", labels=np.unique(y), zero_division=0)
    assert macro_f1(y, p) == pytest.approx(expected)


def test_a_perfect_and_a_hopeless_model() -> None:
    y = np.array([0, 1, 2, 2])
    assert macro_f1(y, y) == 1.0
    assert macro_f1(y, np.array([3, 3, 3, 3])) == 0.0


def test_measuring_loads_no_scikit_learn() -> None:
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from grader.evidence.reevaluate import TestData, measure\n"
        "data = TestData(np.zeros((4, 2)), np.array(['a', 'b', 'b', 'c']), 'test', 'x.npy')\n"
        "m = measure(np.array(['a', 'b', 'c', 'c']), data, 'm1', 'test')\n"
        "assert m.accuracy == 0.75 and m.confusion == ((1, 0, 0), (0, 1, 1), (0, 0, 1)), m\n"
        "assert 'sklearn' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
