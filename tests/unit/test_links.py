"""Links never reach outside the submission: intake and the workspace copy (no kernel here).

The class folder of ``links_class`` hides canaries behind symbolic links, a hard link, a FIFO
and a socket; ``tests/sandbox/test_links_graded.py`` grades it for real.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from links_class import build_linked_class, files_holding

from grader.errors import SubmissionError
from grader.execute.workspace import LEFT_OUT_FILE, copy_regular, create_workspace, left_out
from grader.i18n import render
from grader.intake import collect_submissions
from grader.pipeline.grade import left_out_notes


def test_copy_regular_copies_a_regular_file(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text("x,y\n1,2\n", encoding="utf-8")
    assert copy_regular(source, tmp_path / "b.csv") is None
    assert (tmp_path / "b.csv").read_text(encoding="utf-8") == "x,y\n1,2\n"
    assert (tmp_path / "b.csv").stat().st_mtime_ns == source.stat().st_mtime_ns


def test_copy_regular_never_follows_or_opens_what_is_not_a_regular_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY\n", encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    os.symlink(secret, tmp_path / "to_file")
    os.symlink(folder, tmp_path / "to_folder")
    os.symlink("/dev/zero", tmp_path / "to_device")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    os.mkfifo(tmp_path / "fifo")  # opening it for reading without O_NONBLOCK would wait forever
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "sock"))
    server.close()
    os.link(secret, tmp_path / "hard")
    expected = {
        "to_file": "link",
        "to_folder": "link",
        "to_device": "link",
        "dangling": "link",
        "fifo": "special",
        "sock": "special",
        "folder": "special",
        "hard": "hard_link",
        "missing": "special",
    }
    for name, why in expected.items():
        target = tmp_path / f"copy-of-{name}"
        assert copy_regular(tmp_path / name, target) == why, name
        assert not target.exists(), name
    assert copy_regular(tmp_path / "hard", tmp_path / "allowed", hard_links=True) is None
    assert (tmp_path / "allowed").read_text(encoding="utf-8") == "CANARY\n"


def test_a_link_swapped_in_after_the_check_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race: a regular file when looked at, a link when opened. O_NOFOLLOW refuses it."""
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY\n", encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_text("fine\n", encoding="utf-8")
    swapped = tmp_path / "data.txt"
    os.symlink(secret, swapped)
    real_lstat = os.lstat
    monkeypatch.setattr(os, "lstat", lambda path, **kw: real_lstat(plain if Path(path) == swapped else path, **kw))
    assert copy_regular(swapped, tmp_path / "copy.txt") == "link"
    assert not (tmp_path / "copy.txt").exists()


def test_create_workspace_copies_only_regular_files_and_says_what_it_left_out(tmp_path: Path) -> None:
    linked = build_linked_class(tmp_path / "class")
    ana = linked.subs / "ana"
    siblings = sorted(p for p in ana.iterdir() if p.name != "tugas.ipynb")
    workspace = create_workspace(ana / "tugas.ipynb", tmp_path / "run", siblings)
    assert sorted(p.name for p in workspace.work.iterdir()) == ["ok.txt", "tugas.ipynb"]
    assert dict(left_out(workspace.root)) == linked.links
    assert json.loads((workspace.root / LEFT_OUT_FILE).read_text(encoding="utf-8"))
    for canary in (*linked.canaries, linked.classmate_canary):
        assert files_holding(tmp_path / "run", canary) == []


def test_a_notebook_that_is_a_link_is_refused_by_the_copy(tmp_path: Path) -> None:
    real = tmp_path / "real.ipynb"
    real.write_text("{}", encoding="utf-8")
    os.symlink(real, tmp_path / "link.ipynb")
    with pytest.raises(SubmissionError, match="not a regular file"):
        create_workspace(tmp_path / "link.ipynb", tmp_path / "run")


def test_intake_hands_over_only_regular_files_and_lists_the_rest(tmp_path: Path) -> None:
    linked = build_linked_class(tmp_path)
    found = {s.display.removeprefix(str(linked.subs) + "/"): s for s in collect_submissions(linked.subs)}
    assert sorted(found) == [
        "ana/tugas.ipynb",
        "budi/tugas.ipynb",
        "cici/tugas.ipynb",
        "dedi/kerja/asli.ipynb",
        "dedi/tugas.ipynb",
        "eve/tugas.ipynb",
        "fay/tugas.ipynb",
    ]
    ana = found["ana/tugas.ipynb"]
    assert ana.problem is None
    assert [p.name for p in ana.siblings] == ["ok.txt"]
    assert dict(ana.left_out) == linked.links
    assert [p.name for p in found["budi/tugas.ipynb"].siblings] == ["private.txt"]
    # a notebook that is a link out of its folder, to /proc, or a FIFO: a problem in one line, never read
    for name in ("cici", "eve"):
        problem = found[f"{name}/tugas.ipynb"].problem
        assert problem == "the notebook is a link to a file outside its submission folder, so it was not read"
    assert "not a regular file" in (found["fay/tugas.ipynb"].problem or "")
    # a link to a notebook inside the student's own folder is graded from its target's bytes
    dedi = found["dedi/tugas.ipynb"]
    assert dedi.problem is None
    assert dedi.content == (linked.subs / "dedi" / "kerja" / "asli.ipynb").resolve()
    assert dedi.path == linked.subs / "dedi" / "tugas.ipynb"


def test_a_notebook_given_as_a_link_outside_its_folder_is_a_problem(tmp_path: Path) -> None:
    linked = build_linked_class(tmp_path)
    (found,) = collect_submissions(linked.subs / "cici" / "tugas.ipynb")
    assert found.problem and "outside its submission folder" in found.problem
    (inside,) = collect_submissions(linked.subs / "dedi" / "tugas.ipynb")
    assert inside.problem is None and inside.content.name == "asli.ipynb"


def test_the_left_out_files_are_notes_in_both_languages(tmp_path: Path) -> None:
    linked = build_linked_class(tmp_path)
    ana = next(s for s in collect_submissions(linked.subs) if s.path.parent.name == "ana")
    workspace = create_workspace(ana.content, tmp_path / "run", list(ana.siblings))
    notes = left_out_notes(ana, workspace)
    assert sorted(n.params["name"] for n in notes) == sorted(linked.links)
    by_name = {n.params["name"]: n for n in notes}
    assert "it is a link" in render(by_name["peer"], "en")
    assert "tautan" in render(by_name["peer"], "id")
    assert "hard link" in render(by_name["hard.txt"], "en")
    assert "bukan berkas biasa" in render(by_name["fifo.csv"], "id")
