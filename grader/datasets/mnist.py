"""MNIST for ``keras.datasets.mnist.load_data()``: the real ``mnist.npz`` or an offline stand-in.

The stand-in is made from scikit-learn's 1,797 real handwritten digits (8x8, values 0-16),
redrawn the way MNIST was made: each digit's bounding box scaled to fit a 20x20 box, placed
in a 28x28 image with its centre of mass in the middle, ink 0-255 on a black background.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np

from ..errors import DatasetError
from ..fileio import write_bytes_atomic
from ..models.results import Message
from .staged import StagedFile, copy_file, find_first

MNIST_FILE = "mnist.npz"
KEYS = ("x_train", "y_train", "x_test", "y_test")
SIDE, BOX, MARGIN = 28, 20, 2
TEST_FRACTION = 0.2
SPLIT_SEED = 0


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
    write_bytes_atomic(target, standin_mnist_npz())
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


def standin_mnist_npz() -> bytes:
    """The stand-in ``mnist.npz`` as bytes (the same bytes on every call)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = np.stack([mnist_style(image) for image in digits.images])
    labels = digits.target.astype(np.uint8)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=TEST_FRACTION, stratify=labels, random_state=SPLIT_SEED
    )
    buffer = io.BytesIO()
    np.savez_compressed(buffer, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return _fixed_zip_times(buffer.getvalue())


def mnist_style(image: np.ndarray) -> np.ndarray:
    """One 8x8 digit (0-16) as a 28x28 uint8 MNIST image."""
    from PIL import Image

    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    canvas = np.zeros((SIDE, SIDE), dtype=np.float32)
    if rows.size == 0:
        return canvas.astype(np.uint8)
    crop = image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.float32) * (255.0 / 16.0)
    scale = BOX / max(crop.shape)
    height = max(1, round(crop.shape[0] * scale))
    width = max(1, round(crop.shape[1] * scale))
    glyph = Image.fromarray(crop).resize((width, height), Image.Resampling.BILINEAR)
    resized = np.clip(np.asarray(glyph), 0.0, 255.0)
    top, left = _centred_offsets(resized)
    canvas[top : top + height, left : left + width] = resized
    return np.rint(canvas).astype(np.uint8)


def _centred_offsets(glyph: np.ndarray) -> tuple[int, int]:
    # MNIST centres the centre of mass, not the box; a lopsided glyph (a "7") would then be
    # pushed against the edge, so it keeps a margin like nearly all real MNIST digits do
    total = float(glyph.sum()) or 1.0
    row_mass = float((glyph.sum(axis=1) * np.arange(glyph.shape[0])).sum()) / total
    col_mass = float((glyph.sum(axis=0) * np.arange(glyph.shape[1])).sum()) / total
    top = int(np.clip(round(SIDE / 2 - 0.5 - row_mass), MARGIN, SIDE - MARGIN - glyph.shape[0]))
    left = int(np.clip(round(SIDE / 2 - 0.5 - col_mass), MARGIN, SIDE - MARGIN - glyph.shape[1]))
    return top, left


def _fixed_zip_times(data: bytes) -> bytes:
    # np.savez stamps the current time into the zip; rewrite it so the bytes are reproducible
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
