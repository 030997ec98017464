"""grader.datasets: MNIST - the real file checked, the stand-in faithful, reproducible and cached."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from grader.datasets import StagedFile, mnist_standin, stage_datasets
from grader.datasets.mnist import KEYS
from grader.datasets.mnist_standin import source_split
from grader.errors import DatasetError
from grader.i18n import render


def write_npz(path: Path, **arrays: np.ndarray) -> Path:
    """Save arrays as an .npz file and return its path."""
    np.savez(path, **arrays)
    return path


# -- MNIST --------------------------------------------------------------------------------------


def test_mnist_standin_has_the_keras_format(standin_npz: StagedFile) -> None:
    assert standin_npz.standin
    assert standin_npz.names == ("mnist.npz",)
    assert standin_npz.path.parts[-3:] == (".keras", "datasets", "mnist.npz")
    assert "stand-in" in render(standin_npz.note)
    with np.load(standin_npz.path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["x_test", "x_train", "y_test", "y_train"]
        x_train, y_train = archive["x_train"], archive["y_train"]
        x_test, y_test = archive["x_test"], archive["y_test"]
    # MNIST's own shapes, so the idioms of real notebooks work
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert x_train.dtype == x_test.dtype == y_train.dtype == y_test.dtype == np.uint8
    assert x_train.reshape(60000, 28, 28, 1).shape == (60000, 28, 28, 1)
    assert x_test.reshape(10000, 784).shape == (10000, 784)
    # ten classes, each about a tenth of either set, as in MNIST
    for labels in (y_train, y_test):
        shares = np.bincount(labels, minlength=10) / len(labels)
        assert len(shares) == 10 and shares.min() > 0.08 and shares.max() < 0.12
    assert x_train.max() == 255 and x_train.min() == 0
    # MNIST's ink: white digits on black, about a fifth of the pixels lit (MNIST: 19 %)
    lit = float((x_train > 0).mean())
    assert 0.12 < lit < 0.3
    # like MNIST, the digit sits inside the 28x28 image: its outer frame is (nearly) always empty
    frame = np.concatenate([x_train[:, 0, :], x_train[:, -1, :], x_train[:, :, 0], x_train[:, :, -1]], axis=1)
    assert (frame.max(axis=1) > 0).mean() < 0.01


def test_mnist_standin_images_are_all_different(standin_npz: StagedFile) -> None:
    with np.load(standin_npz.path, allow_pickle=False) as archive:
        x_train, x_test = archive["x_train"], archive["x_test"]
    train_rows = {image.tobytes() for image in x_train}
    test_rows = {image.tobytes() for image in x_test}
    # every image has its own distortion: no copies within a set, and none across the split
    assert len(train_rows) == len(x_train) and len(test_rows) == len(x_test)
    assert not train_rows & test_rows


def test_mnist_standin_test_digits_come_from_other_source_digits() -> None:
    train_ids, test_ids = source_split()
    assert len(train_ids) == 1437 and len(test_ids) == 360
    assert not set(train_ids) & set(test_ids)
    assert set(train_ids) | set(test_ids) == set(range(1797))


def test_mnist_standin_is_learnable(standin_npz: StagedFile) -> None:
    from sklearn.neighbors import KNeighborsClassifier

    with np.load(standin_npz.path, allow_pickle=False) as archive:
        x_train, y_train = archive["x_train"][:10000], archive["y_train"][:10000]
        x_test, y_test = archive["x_test"][:2000], archive["y_test"][:2000]

    def features(images: np.ndarray) -> np.ndarray:
        # 14x14 averages: quick to compare
        return images.reshape(len(images), 14, 2, 14, 2).mean(axis=(2, 4)).reshape(len(images), -1) / 255.0

    model = KNeighborsClassifier(n_neighbors=3).fit(features(x_train), y_train)
    # about 0.95 on test images drawn from source digits no training image was drawn from;
    # chance is 0.1
    assert model.score(features(x_test), y_test) > 0.85


def test_mnist_standin_is_the_same_bytes_every_time(standin_npz: StagedFile, dirs: tuple[Path, Path]) -> None:
    (again,) = stage_datasets(["mnist"], *dirs)
    assert again.path.read_bytes() == standin_npz.path.read_bytes()


def test_mnist_standin_is_generated_once_then_read_from_the_cache(
    standin_npz: StagedFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cached = mnist_standin.cache_path()
    assert cached.parent == tmp_path / "cache" / "grader" / "datasets"
    assert mnist_standin.VERSION in cached.name
    started = time.perf_counter()
    first = mnist_standin.stage_standin(tmp_path / "one" / "mnist.npz")
    generated_s = time.perf_counter() - started
    # made afresh in an empty cache, byte for byte what the module's fixture staged
    assert cached.read_bytes() == first.read_bytes() == standin_npz.path.read_bytes()
    assert generated_s < 120

    def no_second_generation() -> bytes:
        raise AssertionError("the cached stand-in was generated again")

    monkeypatch.setattr(mnist_standin, "standin_npz_bytes", no_second_generation)
    started = time.perf_counter()
    second = mnist_standin.stage_standin(tmp_path / "two" / "mnist.npz")
    assert time.perf_counter() - started < max(generated_s / 3, 2.0)
    assert second.read_bytes() == first.read_bytes()


def test_damaged_mnist_standin_cache_is_made_again(
    standin_npz: StagedFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    good = standin_npz.path.read_bytes()
    cached = mnist_standin.cache_path()
    cached.parent.mkdir(parents=True)
    # a byte changed inside an array (the zip's checksum catches it) and a wrong array shape
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0xFF
    damaged = tmp_path / "flipped.npz"
    damaged.write_bytes(bytes(flipped))
    assert not mnist_standin.intact(damaged)
    write_npz(damaged, **{k: np.zeros((3, 28, 28) if k[0] == "x" else 3, np.uint8) for k in KEYS})
    assert not mnist_standin.intact(damaged)
    # the first half of the file, as a crash while writing it in place would leave
    cached.write_bytes(good[: len(good) // 2])
    staged = mnist_standin.stage_standin(tmp_path / "work" / "mnist.npz")
    assert staged.read_bytes() == good
    assert cached.read_bytes() == good and mnist_standin.intact(cached)


def test_mnist_standin_without_a_writable_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(mnist_standin, "standin_npz_bytes", lambda: b"stand-in bytes")
    staged = mnist_standin.stage_standin(tmp_path / "home" / "mnist.npz")
    assert staged.read_bytes() == b"stand-in bytes"
    assert blocker.read_text() == "a file where the cache folder would go"


def test_real_mnist_is_copied(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    x, y = np.zeros((3, 28, 28), np.uint8), np.arange(3, dtype=np.uint8)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    real = write_npz(data_dir / "mnist.npz", x_train=x, y_train=y, x_test=x, y_test=y)
    (staged,) = stage_datasets(["mnist"], *dirs, data_dir)
    assert not staged.standin
    assert staged.path.read_bytes() == real.read_bytes()


@pytest.mark.parametrize(
    ("arrays", "reason"),
    [
        ({"x_train": np.zeros((3, 28, 28), np.uint8)}, "missing the arrays y_train, x_test, y_test"),
        (
            {
                "x_train": np.zeros((3, 8, 8), np.uint8),
                "y_train": np.zeros(3, np.uint8),
                "x_test": np.zeros((3, 28, 28), np.uint8),
                "y_test": np.zeros(3, np.uint8),
            },
            r"x_train should be uint8 of shape \(N, 28, 28\)",
        ),
        (
            {
                "x_train": np.zeros((3, 28, 28), np.uint8),
                "y_train": np.zeros(2, np.uint8),
                "x_test": np.zeros((3, 28, 28), np.uint8),
                "y_test": np.zeros(3, np.uint8),
            },
            "y_train should hold one label per image",
        ),
    ],
)
def test_malformed_mnist_is_refused(
    dirs: tuple[Path, Path], tmp_path: Path, arrays: dict[str, np.ndarray], reason: str
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    write_npz(data_dir / "mnist.npz", **arrays)
    with pytest.raises(DatasetError, match=rf"mnist\.npz: {reason}"):
        stage_datasets(["mnist"], *dirs, data_dir)


def test_mnist_that_is_not_a_zip_is_refused(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    (tmp_path / "mnist.npz").write_bytes(b"not a zip")
    with pytest.raises(DatasetError, match=r"mnist\.npz: not a readable \.npz"):
        stage_datasets(["mnist"], *dirs, tmp_path)


def test_standin_npz_has_fixed_zip_times(standin_npz: StagedFile) -> None:
    with zipfile.ZipFile(standin_npz.path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
