"""grader.datasets: real files are checked and staged, stand-ins are faithful and reproducible."""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grader.datasets import StagedFile, dataset_names, mnist_standin, stage_datasets
from grader.datasets import fashion as fashion_module
from grader.datasets.fashion import FILES as FASHION_FILES
from grader.datasets.hcv import COLUMNS as HCV_COLUMNS
from grader.datasets.idx import idx_bytes, read_idx
from grader.datasets.mnist import KEYS
from grader.datasets.mnist_standin import source_split
from grader.errors import DatasetError
from grader.i18n import render

CATEGORY_COUNTS = {
    "0=Blood Donor": 533,
    "0s=suspect Blood Donor": 7,
    "1=Hepatitis": 24,
    "2=Fibrosis": 21,
    "3=Cirrhosis": 30,
}
MISSING = {"ALB": 1, "ALP": 18, "ALT": 1, "CHOL": 10, "PROT": 1}


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    """A notebook's working directory and its private home."""
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    return work, home


@pytest.fixture(scope="module")
def synthetic_hcv(tmp_path_factory: pytest.TempPathFactory) -> StagedFile:
    """The HCV stand-in, staged once for the module."""
    root = tmp_path_factory.mktemp("hcv")
    (staged,) = stage_datasets(["hcv"], root / "work", root / "home")
    return staged


@pytest.fixture(scope="module")
def standin_npz(tmp_path_factory: pytest.TempPathFactory) -> StagedFile:
    """The MNIST stand-in, staged once for the module."""
    root = tmp_path_factory.mktemp("mnist")
    (staged,) = stage_datasets(["mnist"], root / "work", root / "home")
    return staged


def write_npz(path: Path, **arrays: np.ndarray) -> Path:
    """Save arrays as an .npz file and return its path."""
    np.savez(path, **arrays)
    return path


# -- the API ------------------------------------------------------------------------------------


def test_dataset_names_lists_every_dataset() -> None:
    assert set(dataset_names()) == {"hcv", "mnist", "fashion_mnist", "iris", "digits"}


def test_unknown_dataset_gets_a_did_you_mean(dirs: tuple[Path, Path]) -> None:
    with pytest.raises(DatasetError, match="did you mean 'mnist'"):
        stage_datasets(["mnsit"], *dirs)


def test_unknown_name_stages_nothing(dirs: tuple[Path, Path]) -> None:
    work, home = dirs
    with pytest.raises(DatasetError):
        stage_datasets(["iris", "cifar"], work, home)
    assert not list(work.iterdir())


def test_missing_data_directory_is_a_dataset_error(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="does not exist"):
        stage_datasets(["hcv"], *dirs, tmp_path / "nowhere")


def test_digits_stage_nothing(dirs: tuple[Path, Path]) -> None:
    assert stage_datasets(["digits"], *dirs) == []


# -- HCV ----------------------------------------------------------------------------------------


def test_real_hcv_is_copied_under_both_names(dirs: tuple[Path, Path], hcv_csv: Path) -> None:
    work, home = dirs
    (staged,) = stage_datasets(["hcv"], work, home, hcv_csv.parent)
    assert not staged.standin
    assert staged.names == ("hcvdat0.csv", "HepatitisCdata.csv")
    for name in staged.names:
        assert (work / name).read_bytes() == hcv_csv.read_bytes()
    assert "real" in render(staged.note)


def test_kaggle_name_is_accepted_as_the_real_file(dirs: tuple[Path, Path], hcv_csv: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "HepatitisCdata.csv").write_bytes(hcv_csv.read_bytes())
    (staged,) = stage_datasets(["hcv"], *dirs, data_dir)
    assert not staged.standin
    assert (dirs[0] / "hcvdat0.csv").read_bytes() == hcv_csv.read_bytes()


def test_hcv_with_wrong_columns_names_the_file(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "hcvdat0.csv").write_text('"","Category","Age"\n"1","0=Blood Donor",32\n')
    with pytest.raises(DatasetError, match=r"hcvdat0\.csv: expected an unnamed index column"):
        stage_datasets(["hcv"], *dirs, data_dir)


def test_hcv_with_unknown_category_is_refused(
    dirs: tuple[Path, Path], tmp_path: Path, synthetic_hcv: StagedFile
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    text = synthetic_hcv.path.read_text().replace('"2=Fibrosis"', '"2=Fibrose"', 1)
    (data_dir / "hcvdat0.csv").write_text(text)
    with pytest.raises(DatasetError, match="unknown category '2=Fibrose'"):
        stage_datasets(["hcv"], *dirs, data_dir)


def test_synthetic_hcv_has_the_real_layout(synthetic_hcv: StagedFile) -> None:
    assert synthetic_hcv.standin
    assert "stand-in" in render(synthetic_hcv.note)
    header = next(csv.reader(io.StringIO(synthetic_hcv.path.read_text())))
    assert tuple(header) == ("", *HCV_COLUMNS)
    frame = pd.read_csv(synthetic_hcv.path, index_col=0)
    assert len(frame) == 615
    assert frame["Category"].value_counts().to_dict() == CATEGORY_COUNTS
    missing = {c: int(n) for c, n in frame.isna().sum().items() if n}
    assert missing == MISSING
    assert set(frame["Sex"]) == {"m", "f"}
    assert (frame.drop(columns=["Category", "Sex"]).fillna(1) > 0).all().all()


def test_synthetic_hcv_is_the_same_bytes_every_time(synthetic_hcv: StagedFile, dirs: tuple[Path, Path]) -> None:
    (again,) = stage_datasets(["hcv"], *dirs)
    assert again.path.read_bytes() == synthetic_hcv.path.read_bytes()
    assert (dirs[0] / "HepatitisCdata.csv").read_bytes() == again.path.read_bytes()


def test_synthetic_hcv_holds_no_real_row(synthetic_hcv: StagedFile, hcv_csv: Path) -> None:
    def rows(path: Path) -> set[str]:
        # compare rows without their index number
        return {line.split(",", 1)[1] for line in path.read_text().splitlines()[1:]}

    assert not rows(synthetic_hcv.path) & rows(hcv_csv)


def test_synthetic_hcv_is_learnable(synthetic_hcv: StagedFile) -> None:
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    frame = pd.read_csv(synthetic_hcv.path, index_col=0)
    x = frame.drop(columns="Category").assign(Sex=lambda t: (t["Sex"] == "m").astype(int))
    y = frame["Category"]
    model = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(max_iter=2000))
    predicted = cross_val_predict(model, np.log1p(x), y, cv=StratifiedKFold(5, shuffle=True, random_state=0))
    majority = np.full(len(y), y.mode()[0])
    # the real data gives about 0.65 with a small MLP; the majority class about 0.19
    assert f1_score(y, predicted, average="macro") > 0.5
    assert f1_score(y, majority, average="macro") < 0.2


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


# -- Fashion-MNIST ------------------------------------------------------------------------------


def write_fashion(folder: Path, n_train: int = 4, n_test: int = 2) -> None:
    """Four tiny but valid Fashion-MNIST files."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, labels, images in (
        (n_train, FASHION_FILES[0], FASHION_FILES[1]),
        (n_test, FASHION_FILES[2], FASHION_FILES[3]),
    ):
        (folder / labels).write_bytes(idx_bytes(np.arange(n, dtype=np.uint8) % 10))
        (folder / images).write_bytes(idx_bytes(np.full((n, 28, 28), 7, np.uint8)))


@pytest.mark.parametrize("subfolder", ["", "fashion-mnist"])
def test_real_fashion_from_the_data_directory(dirs: tuple[Path, Path], tmp_path: Path, subfolder: str) -> None:
    data_dir = tmp_path / "data"
    write_fashion(data_dir / subfolder)
    staged = stage_datasets(["fashion_mnist"], *dirs, data_dir)
    assert [s.names[0] for s in staged] == list(FASHION_FILES)
    assert not any(s.standin for s in staged)
    cache = dirs[1] / ".keras" / "datasets" / "fashion-mnist"
    assert read_idx(cache / FASHION_FILES[1]).shape == (4, 28, 28)


def test_fashion_system_copy_is_real(dirs: tuple[Path, Path]) -> None:
    if not all((fashion_module.SYSTEM_COPY / name).is_file() for name in FASHION_FILES):
        pytest.skip("Debian's fashion-mnist package is not installed")
    staged = stage_datasets(["fashion_mnist"], *dirs)
    assert not any(s.standin for s in staged)
    assert read_idx(staged[0].path).shape == (60000,)


def test_fashion_standin_without_any_real_copy(
    dirs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fashion_module, "SYSTEM_COPY", tmp_path / "absent")
    monkeypatch.setattr(fashion_module, "STANDIN_SIZES", {"train": 200, "test": 50})
    staged = stage_datasets(["fashion_mnist"], *dirs)
    assert all(s.standin for s in staged) and "stand-in" in render(staged[0].note)
    by_name = {s.names[0]: read_idx(s.path) for s in staged}
    assert by_name[FASHION_FILES[1]].shape == (200, 28, 28)
    assert by_name[FASHION_FILES[3]].shape == (50, 28, 28)
    assert set(by_name[FASHION_FILES[0]]) == set(range(10))
    again = fashion_module.standin_fashion_files()
    assert again == fashion_module.standin_fashion_files()


def test_partial_fashion_files_are_refused(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    write_fashion(tmp_path / "data")
    (tmp_path / "data" / FASHION_FILES[3]).unlink()
    with pytest.raises(DatasetError, match=re.escape("but not t10k-images-idx3-ubyte.gz")):
        stage_datasets(["fashion_mnist"], *dirs, tmp_path / "data")


def test_fashion_file_that_is_not_idx_is_refused(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    write_fashion(tmp_path / "data")
    (tmp_path / "data" / FASHION_FILES[0]).write_bytes(idx_bytes(np.zeros((2, 2), np.uint8))[:5])
    with pytest.raises(DatasetError, match=re.escape("train-labels-idx1-ubyte.gz")):
        stage_datasets(["fashion_mnist"], *dirs, tmp_path / "data")


def test_fashion_counts_must_match(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    write_fashion(tmp_path / "data")
    (tmp_path / "data" / FASHION_FILES[0]).write_bytes(idx_bytes(np.zeros(3, np.uint8)))
    reason = re.escape("4 images but train-labels-idx1-ubyte.gz has 3")
    with pytest.raises(DatasetError, match=reason):
        stage_datasets(["fashion_mnist"], *dirs, tmp_path / "data")


# -- Iris ---------------------------------------------------------------------------------------


def test_iris_comes_in_the_three_layouts_notebooks_read(dirs: tuple[Path, Path]) -> None:
    work, home = dirs
    staged = stage_datasets(["iris"], work, home)
    assert not any(f.standin for f in staged)
    assert {n for f in staged for n in f.names} == {"iris.csv", "Iris.csv", "iris.data"}
    kaggle = pd.read_csv(work / "Iris.csv")  # Kaggle's: Id, ...Cm, Species "Iris-setosa"
    assert list(kaggle.columns) == ["Id", "SepalLengthCm", "SepalWidthCm", "PetalLengthCm", "PetalWidthCm", "Species"]
    assert kaggle["Id"].tolist() == list(range(1, 151))
    assert kaggle["Species"].value_counts().to_dict() == {
        "Iris-setosa": 50,
        "Iris-versicolor": 50,
        "Iris-virginica": 50,
    }
    uci = pd.read_csv(work / "iris.data", header=None)  # UCI's: no header
    for cache in ("seaborn-data", ".cache/seaborn"):  # sns.load_dataset("iris"), old and new seaborn
        assert (home / cache / "iris.csv").read_text() == (work / "iris.csv").read_text()
    assert uci.shape == (150, 5) and uci.iloc[0].tolist() == [5.1, 3.5, 1.4, 0.2, "Iris-setosa"]
    frame = pd.read_csv(work / "iris.csv")  # seaborn's
    assert list(frame.columns) == ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
    assert frame.shape == (150, 5)
    assert frame["species"].value_counts().to_dict() == {"setosa": 50, "versicolor": 50, "virginica": 50}
    assert frame.iloc[0, :4].tolist() == [5.1, 3.5, 1.4, 0.2]
