"""Staged datasets served to reads by another path or by URL - in this process, no kernel."""

from __future__ import annotations

import io
import json
import pathlib
import sys
import types
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grader.probe import hooks_data
from grader.probe.recorder import Recorder
from grader.probe.session import Session

CSV = "Category,ALB\n0=Blood Donor,38.5\n1=Hepatitis,40.1\n"
UCI = "https://archive.ics.uci.edu/ml/machine-learning-databases/00571/hcvdat0.csv"


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A probe session with ``hcvdat0.csv`` and ``arrays.npy`` staged; every hook undone after."""
    staged = tmp_path / "staged"
    staged.mkdir()
    (staged / "hcvdat0.csv").write_text(CSV)
    np.save(staged / "arrays.npy", np.arange(4))
    monkeypatch.chdir(tmp_path)
    recorder = Recorder(str(tmp_path / "evidence"))
    probe = Session(
        recorder, {"datasets": {"hcvdat0.csv": str(staged / "hcvdat0.csv"), "arrays.npy": str(staged / "arrays.npy")}}
    )
    yield probe
    for owner, name, wrapper in reversed(probe.hooks):
        setattr(owner, name, wrapper.__wrapped_original__)
    recorder.close()


def served(probe: Session) -> list[dict]:
    """The ``dataset_served`` notes so far."""
    probe.recorder._log.flush()
    path = Path(probe.recorder.directory, "events.jsonl")
    events = [json.loads(line) for line in path.read_text().splitlines()]
    return [e["detail"] for e in events if e["kind"] == "note" and e["code"] == "dataset_served"]


@pytest.mark.parametrize(
    ("requested", "name"),
    [
        ("/content/drive/MyDrive/data/hcvdat0.csv", "hcvdat0.csv"),
        (UCI, "hcvdat0.csv"),
        ("https://github.com/x/y/blob/main/hcvdat0.csv?raw=true", "hcvdat0.csv"),
        ("https://example.org/files/hcv%20data.csv#top", "hcv data.csv"),
        (Path("../input/hcv/hcvdat0.csv"), "hcvdat0.csv"),
        ("C:\\Users\\me\\hcvdat0.csv", "hcvdat0.csv"),
        ("https://drive.google.com/uc?id=1abc", "uc"),
        ("", None),
        (3, None),
    ],
)
def test_file_name_of_paths_and_urls(requested, name) -> None:
    assert hooks_data.file_name(requested) == name


def test_open_serves_a_missing_path_by_file_name(session: Session) -> None:
    hooks_data.patch_builtins(session)
    with open("/content/drive/MyDrive/data/hcvdat0.csv") as handle:
        assert handle.read() == CSV
    assert pathlib.Path("../kaggle/input/HCVDAT0.CSV").read_text() == CSV  # io.open, any case
    assert served(session) == [
        {"file": "hcvdat0.csv", "requested": "/content/drive/MyDrive/data/hcvdat0.csv"},
        {"file": "hcvdat0.csv", "requested": "../kaggle/input/HCVDAT0.CSV"},
    ]


def test_open_never_touches_a_real_file_or_a_write(session: Session, tmp_path: Path) -> None:
    hooks_data.patch_builtins(session)
    (tmp_path / "hcvdat0.csv").write_text("the student's own copy")
    with open("hcvdat0.csv") as handle:
        assert handle.read() == "the student's own copy"
    with pytest.raises(FileNotFoundError), open("/content/drive/MyDrive/hcvdat0.csv", "w"):
        pass
    with pytest.raises(FileNotFoundError), open("/nowhere/other.csv"):
        pass
    assert served(session) == []


def test_pandas_readers_get_the_staged_file(session: Session) -> None:
    hooks_data.patch_pandas(session, pd)
    assert pd.read_csv(UCI).shape == (2, 2)
    assert pd.read_csv(filepath_or_buffer=Path("/content/drive/MyDrive/hcvdat0.csv")).shape == (2, 2)
    assert pd.read_csv(io.StringIO(CSV)).shape == (2, 2)  # a buffer is not a path
    assert [s["requested"] for s in served(session)] == [UCI, "/content/drive/MyDrive/hcvdat0.csv"]


def test_numpy_loaders_get_the_staged_file(session: Session) -> None:
    hooks_data.patch_numpy(session, np)
    assert np.load("/content/drive/MyDrive/arrays.npy").tolist() == [0, 1, 2, 3]
    table = np.genfromtxt("/data/hcvdat0.csv", delimiter=",", skip_header=1, usecols=(1,))
    assert table.tolist() == [38.5, 40.1]
    assert np.loadtxt(UCI, delimiter=",", skiprows=1, usecols=(1,)).tolist() == [38.5, 40.1]


def test_urllib_serves_urls_of_staged_files(session: Session, tmp_path: Path) -> None:
    hooks_data.patch_urllib(session, urllib.request)
    with urllib.request.urlopen(UCI) as response:
        assert response.read().decode() == CSV
        assert response.status == 200 and response.headers["Content-Length"] == str(len(CSV))
    request = urllib.request.Request(UCI, headers={"User-Agent": "x"})
    assert urllib.request.urlopen(request).read().decode() == CSV
    path, _ = urllib.request.urlretrieve(UCI, "copy.csv")
    assert path == "copy.csv" and (tmp_path / "copy.csv").read_text() == CSV
    assert urllib.request.urlretrieve(UCI)[0] == session.config["datasets"]["hcvdat0.csv"]


def test_requests_get_is_served(session: Session) -> None:
    requests = pytest.importorskip("requests")
    hooks_data.patch_requests(session, requests)
    response = requests.get(UCI, timeout=1)
    assert response.status_code == 200 and response.text == CSV


def test_keras_get_file_returns_the_staged_file(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("keras.utils")
    fake.get_file = lambda fname=None, origin=None, **kw: "downloaded"
    monkeypatch.setitem(sys.modules, "keras.utils", fake)
    hooks_data.patch_keras(session, fake)
    assert fake.get_file("hcvdat0.csv", UCI) == session.config["datasets"]["hcvdat0.csv"]
    assert fake.get_file(origin=UCI) == session.config["datasets"]["hcvdat0.csv"]
    assert fake.get_file("other.zip", "https://x/other.zip") == "downloaded"
    assert fake.get_file("hcvdat0.csv", UCI, extract=True) == "downloaded"


def test_wget_replacement_copies_the_staged_file(session: Session, tmp_path: Path, capsys) -> None:
    hooks_data.patchers(session)  # binds the session serve_download uses
    assert hooks_data.serve_download(UCI, None) is True
    assert (tmp_path / "hcvdat0.csv").read_text() == CSV
    assert hooks_data.serve_download(UCI, "data/") is True  # wget -P data
    assert (tmp_path / "data" / "hcvdat0.csv").exists()
    assert hooks_data.serve_download("https://x/unknown.csv", "u.csv") is False
    assert "no network" in capsys.readouterr().out
