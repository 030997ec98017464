"""MNIST for ``keras.datasets.mnist.load_data()``: the real ``mnist.npz`` or an offline stand-in.

The stand-in (:mod:`grader.datasets.mnist_standin`) has MNIST's shapes, 60,000 training and
10,000 test images of 28x28 uint8 with labels 0-9, redrawn with small random distortions from
scikit-learn's 1,797 real handwritten digits; its test images come from other source digits
than its training images.  The lesson's MLP reaches a test accuracy of 0.955 on it, its CNN
0.9945 (10 epochs each; see :mod:`grader.datasets.mnist_standin`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from ..errors import DatasetError
from ..models.results import Message
from .mnist_standin import SIDE, stage_standin
from .staged import StagedFile, copy_file, find_first

MNIST_FILE = "mnist.npz"
KEYS = ("x_train", "y_train", "x_test", "y_test")


def keras_datasets_dir(home: Path) -> Path:
    """Where Keras looks for cached datasets under a home directory."""
    return home / ".keras" / "datasets"


def stage_mnist(home: Path, data_dir: Path | None) -> list[StagedFile]:
    """Put ``mnist.npz`` into the Keras cache under ``home`` (real file first, else stand-in)."""
    target = keras_datasets_dir(home) / MNIST_FILE
    real = find_first(data_dir, (MNIST_FILE,))
    if real is not None:
        validate_mnist(real)
        copy_file(real, target)
        return [
            StagedFile(
                dataset="mnist",
                path=target,
                names=(MNIST_FILE,),
                standin=False,
                note=Message("dataset.mnist_real"),
            )
        ]
    stage_standin(target)
    return [
        StagedFile(
            dataset="mnist",
            path=target,
            names=(MNIST_FILE,),
            standin=True,
            note=Message("dataset.mnist_standin"),
        )
    ]


def validate_mnist(path: Path) -> None:
    """Raise DatasetError with a one-line reason unless ``path`` is an MNIST-style .npz file."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [k for k in KEYS if k not in archive.files]
            if missing:
                raise DatasetError(
                    f"{path.name}: missing the arrays {', '.join(missing)} (found {', '.join(archive.files) or 'none'})"
                )
            arrays = {k: archive[k] for k in KEYS}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise DatasetError(f"{path.name}: not a readable .npz file ({exc})") from None
    for side in ("train", "test"):
        x, y = arrays[f"x_{side}"], arrays[f"y_{side}"]
        if x.ndim != 3 or x.shape[1:] != (SIDE, SIDE) or x.dtype != np.uint8:
            raise DatasetError(f"{path.name}: x_{side} should be uint8 of shape (N, 28, 28), found {x.dtype} {x.shape}")
        if y.ndim != 1 or len(y) != len(x):
            raise DatasetError(
                f"{path.name}: y_{side} should hold one label per image, found shape {y.shape} for {len(x)} images"
            )
