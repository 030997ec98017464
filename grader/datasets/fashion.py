"""Fashion-MNIST for ``keras.datasets.fashion_mnist.load_data()``.

Keras reads four gzip IDX files from ``~/.keras/datasets/fashion-mnist/``.  Sources, best
first: the user's data directory, Debian's packaged copy of the real data, and last a
synthetic stand-in of crude, randomly jittered silhouettes of the ten classes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DatasetError
from ..fileio import write_bytes_atomic
from ..models.results import Message
from .idx import idx_bytes, read_idx_shape
from .staged import StagedFile, copy_file

FOLDER = "fashion-mnist"
TRAIN_LABELS, TRAIN_IMAGES = "train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz"
TEST_LABELS, TEST_IMAGES = "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"
FILES = (TRAIN_LABELS, TRAIN_IMAGES, TEST_LABELS, TEST_IMAGES)
SYSTEM_COPY = Path("/usr/share/datasets/fashion-mnist")
"""Where Debian's fashion-mnist package installs the real files."""
STANDIN_SIZES = {"train": 6000, "test": 1000}
SEED = 10

# Crude outlines on a 28x28 canvas, one per class, in Fashion-MNIST's label order.
SILHOUETTES: tuple[tuple[tuple[float, float], ...], ...] = (
    ((8, 6), (20, 6), (25, 11), (22, 13), (20, 11), (20, 24), (8, 24), (8, 11), (6, 13), (3, 11)),
    ((9, 4), (19, 4), (20, 25), (16, 25), (14, 10), (12, 25), (8, 25)),
    ((8, 5), (20, 5), (25, 22), (22, 23), (20, 12), (20, 24), (8, 24), (8, 12), (6, 23), (3, 22)),
    ((11, 3), (17, 3), (17, 9), (22, 25), (6, 25), (11, 9)),
    ((8, 3), (20, 3), (25, 24), (22, 25), (20, 12), (20, 26), (8, 26), (8, 12), (6, 25), (3, 24)),
    ((3, 18), (8, 16), (12, 19), (17, 15), (25, 18), (25, 21), (3, 21)),
    ((9, 5), (19, 5), (24, 9), (24, 24), (21, 24), (20, 12), (20, 25), (8, 25), (8, 12), (7, 24), (4, 24), (4, 9)),
    ((3, 14), (14, 12), (25, 17), (25, 21), (3, 21)),
    ((5, 10), (9, 10), (10, 5), (18, 5), (19, 10), (23, 10), (23, 24), (5, 24)),
    ((6, 5), (14, 5), (15, 15), (25, 18), (25, 23), (6, 23)),
)


def stage_fashion(home: Path, data_dir: Path | None) -> list[StagedFile]:
    """Put the four Fashion-MNIST files into the Keras cache under ``home``."""
    target = home / ".keras" / "datasets" / FOLDER
    source = _user_copy(data_dir)
    note = Message("dataset.fashion_real")
    if source is None and _complete(SYSTEM_COPY):
        source = SYSTEM_COPY
        note = Message("dataset.fashion_system", {"path": str(SYSTEM_COPY)})
    if source is not None:
        validate_fashion(source)
        return [
            StagedFile(
                dataset="fashion_mnist",
                path=copy_file(source / name, target / name),
                names=(name,),
                standin=False,
                note=note,
            )
            for name in FILES
        ]
    note = Message("dataset.fashion_standin")
    staged = []
    for name, data in standin_fashion_files().items():
        write_bytes_atomic(target / name, data)
        staged.append(StagedFile(dataset="fashion_mnist", path=target / name, names=(name,), standin=True, note=note))
    return staged


def validate_fashion(folder: Path) -> None:
    """Raise DatasetError unless ``folder`` holds four consistent 28x28 IDX files."""
    for labels_name, images_name in ((TRAIN_LABELS, TRAIN_IMAGES), (TEST_LABELS, TEST_IMAGES)):
        labels = read_idx_shape(folder / labels_name)
        images = read_idx_shape(folder / images_name)
        if len(labels) != 1:
            raise DatasetError(f"{labels_name}: should hold a list of labels, found shape {labels}")
        if len(images) != 3 or images[1:] != (28, 28):
            raise DatasetError(f"{images_name}: should hold 28x28 images, found shape {images}")
        if labels[0] != images[0]:
            raise DatasetError(f"{images_name}: {images[0]} images but {labels_name} has {labels[0]} labels")


def standin_fashion_files(seed: int = SEED) -> dict[str, bytes]:
    """The stand-in's four files (name -> gzip IDX bytes), the same bytes for the same seed."""
    rng = np.random.default_rng(seed)
    files = {}
    for side, labels_name, images_name in (("train", TRAIN_LABELS, TRAIN_IMAGES), ("test", TEST_LABELS, TEST_IMAGES)):
        labels = np.arange(STANDIN_SIZES[side]) % len(SILHOUETTES)
        rng.shuffle(labels)
        images = np.stack([draw_silhouette(int(k), rng) for k in labels])
        files[labels_name] = idx_bytes(labels.astype(np.uint8))
        files[images_name] = idx_bytes(images)
    return files


def draw_silhouette(label: int, rng: np.random.Generator) -> np.ndarray:
    """One 28x28 uint8 image of class ``label``: the outline jittered, filled, textured."""
    from PIL import Image, ImageDraw

    points = np.array(SILHOUETTES[label], dtype=float)
    centre = points.mean(axis=0)
    scale = rng.uniform(0.85, 1.1, size=2)
    angle = rng.uniform(-0.12, 0.12)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = (points - centre) * scale @ rotation.T + centre + rng.uniform(-1.5, 1.5, size=2)
    mask = Image.new("L", (28, 28), 0)
    ImageDraw.Draw(mask).polygon([tuple(p) for p in moved], fill=255)
    shade = rng.uniform(90, 230)
    texture = rng.normal(0.0, 18.0, size=(28, 28))
    image = (np.asarray(mask, dtype=float) / 255.0) * (shade + texture)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def _user_copy(data_dir: Path | None) -> Path | None:
    if data_dir is None:
        return None
    for folder in (data_dir, data_dir / FOLDER):
        present = [name for name in FILES if (folder / name).is_file()]
        if len(present) == len(FILES):
            return folder
        if present:
            missing = ", ".join(name for name in FILES if name not in present)
            raise DatasetError(f"{folder}: has some Fashion-MNIST files but not {missing}")
    return None


def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in FILES)
