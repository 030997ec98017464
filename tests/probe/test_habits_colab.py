"""The google.colab stand-in, imported in this process (no kernel)."""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

import pytest

from grader.probe import colab
from grader.probe.recorder import Recorder
from grader.probe.session import Session


@pytest.fixture
def fake_colab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``google.colab`` importable for one test; the import system restored after."""
    staged = tmp_path / "hcvdat0.csv"
    staged.write_text("a,b\n1,2\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.setattr(os, "chdir", os.chdir)  # the stand-in wraps it; put it back after
    for name in [n for n in sys.modules if n.startswith("google.colab")]:
        monkeypatch.delitem(sys.modules, name)
    recorder = Recorder(str(tmp_path / "evidence"))
    session = Session(recorder, {"datasets": {"hcvdat0.csv": str(staged)}})
    colab.install(session)
    yield session
    for name in [n for n in sys.modules if n.startswith("google.colab")]:
        del sys.modules[name]
    recorder.close()


def test_drive_mount_is_a_noted_no_op(fake_colab: Session, capsys, tmp_path: Path) -> None:
    from google.colab import drive

    drive.mount("/content/drive")
    drive.mount("/content/drive", force_remount=True)
    drive.flush_and_unmount()
    assert "skipped" in capsys.readouterr().out
    assert not (tmp_path / "drive").exists()  # /content is not this folder outside the sandbox


def test_files_upload_hands_over_the_staged_datasets(fake_colab: Session) -> None:
    from google.colab import files

    assert files.upload() == {"hcvdat0.csv": b"a,b\n1,2\n"}
    files.download("model.h5")


def test_other_colab_modules_import(fake_colab: Session) -> None:
    for name in ("google.colab.output", "google.colab.patches", "google.colab.data_table"):
        module = importlib.import_module(name)
        assert module.__grader_shim__ is True
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("google.colab.not_a_module")


def test_drive_folder_is_made_where_content_is_the_notebook_folder(fake_colab: Session, tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.symlink_to(tmp_path)  # what the sandbox does with /content
    colab._make_drive_folder(str(content / "drive"))
    assert (tmp_path / "drive" / "MyDrive").is_dir()


def test_changing_into_a_missing_drive_folder_stays_in_the_notebook_folder(
    fake_colab: Session, tmp_path: Path, capsys
) -> None:
    os.chdir("/content/drive/MyDrive/Tugas ANN")
    os.chdir("drive/My Drive/data")
    assert Path.cwd() == tmp_path
    assert "staying in the notebook's folder" in capsys.readouterr().out
    (tmp_path / "sub").mkdir()
    os.chdir("sub")  # an existing folder: a normal chdir
    assert Path.cwd() == tmp_path / "sub"
    os.chdir(tmp_path)
    with pytest.raises(FileNotFoundError):
        os.chdir("no/such/folder")  # not a Drive path: the student's error stays theirs
    events = [json.loads(line) for line in (tmp_path / "evidence" / "events.jsonl").read_text().splitlines()]
    chdirs = [e["detail"]["requested"] for e in events if e.get("code") == "colab_chdir"]
    assert chdirs == ["/content/drive/MyDrive/Tugas ANN", "drive/My Drive/data"]


def _notes(tmp_path: Path) -> list[tuple[str, dict]]:
    lines = (tmp_path / "evidence" / "events.jsonl").read_text().splitlines()
    return [(e["code"], e["detail"]) for e in map(json.loads, lines) if e.get("kind") == "note"]


def test_files_download_is_a_noted_no_op(fake_colab: Session, tmp_path: Path) -> None:
    from google.colab import files

    assert files.download("model_terbaik.h5") is None
    assert ("colab_download", {"file": "model_terbaik.h5"}) in _notes(tmp_path)


def test_output_helpers_are_no_ops_noted_once_each(fake_colab: Session, tmp_path: Path) -> None:
    from google.colab import output

    output.enable_custom_widget_manager()
    for _ in range(3):  # clear() inside a training loop: one note, not one per epoch
        output.clear()
    assert output.eval_js("1 + 1") is None
    noted = [detail["call"] for code, detail in _notes(tmp_path) if code == "colab_output"]
    assert noted == ["enable_custom_widget_manager", "clear", "eval_js"]


def test_tensorflow_version_magic_is_a_noted_no_op(fake_colab: Session, tmp_path: Path, capsys) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell()  # not the global instance: no kernel, nothing left behind
    colab.register_magics(fake_colab, shell)
    assert shell.run_cell("%tensorflow_version 2.x").success
    assert shell.run_cell("%tensorflow_version 1.x\nx = 1").success  # TF1 cannot be had: noted, the cell goes on
    assert shell.user_ns["x"] == 1
    assert "TensorFlow 1 is not available" in capsys.readouterr().out
    assert not shell.run_cell("%tensorflow_versio 2.x").success  # a misspelt magic is still the student's error
    notes = [(c, d) for c, d in _notes(tmp_path) if c.startswith("colab_tensorflow")]
    assert notes == [
        ("colab_tensorflow_version", {"requested": "2.x"}),
        ("colab_tensorflow_1", {"requested": "1.x"}),
    ]
