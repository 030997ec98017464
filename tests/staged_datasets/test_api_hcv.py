"""grader.datasets: the API, and HCV - the real file checked and staged, the stand-in faithful and reproducible."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grader.datasets import StagedFile, dataset_names, stage_datasets
from grader.datasets.hcv import COLUMNS as HCV_COLUMNS
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
