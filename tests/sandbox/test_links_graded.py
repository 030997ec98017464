"""A class full of links graded for real: no canary behind a link reaches any output.

``links_class`` builds the class: ``ana``'s notebook prints every file it can reach from its
working folder (links followed) beside links to a file and a folder outside, a classmate's
folder and file, the rubric's folder, ``/proc/self``, a ``~/.ssh``-like folder, a hard link,
a FIFO and a socket.  Graded with ``grader grade`` (with and without the cache) and checked
with ``grader check``: the canaries must be in no file of the output folder or the cache -
reports (JSON, HTML), evidence, executed notebooks, workspaces - and the report must name
each file left out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from links_class import build_linked_class, files_holding

from grader.cli import main

from . import needs_sandbox

pytestmark = [pytest.mark.sandbox, pytest.mark.notebook, needs_sandbox]

RUBRIC = """schema: 1
name: links
title: Links
limits: {cell_timeout_s: 60, notebook_timeout_s: 120}
items:
  - {id: runs, title: It runs, check: runs, points: 1}
  - id: ordinary
    title: The ordinary file handed in was read
    check: output
    points: 1
    params: {contains: ["an ordinary file handed in"]}
"""


def _no_canary(linked, *folders: Path, classmate_run: Path | None = None) -> None:
    for folder in folders:
        for canary in linked.canaries:
            assert files_holding(folder, canary) == [], canary
        leaks = [p for p in files_holding(folder, linked.classmate_canary) if classmate_run not in p.parents]
        assert leaks == []


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_grading_a_class_of_links_leaks_nothing(cached: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    linked = build_linked_class(tmp_path, RUBRIC)
    monkeypatch.chdir(tmp_path)
    cache = ["--cache-dir", "cache"] if cached else ["--no-cache"]
    code = main(["grade", "subs", "--rubric", "rubric/rubric.yaml", "--out", "out", *cache])
    assert code == 1  # cici, eve and fay are not gradable
    reports = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "out").glob("*.json")}
    ana = reports["ana__tugas"]
    assert (ana["status"], ana["score"]) == ("graded", 2.0), ana
    notes = "\n".join(ana["notes"])
    for name in linked.links:
        assert name in notes, name
    html = (tmp_path / "out" / "ana__tugas.html").read_text(encoding="utf-8")
    assert "file_link.txt" in html and "hard.txt" in html
    for name in ("cici", "eve"):
        assert reports[f"{name}__tugas"]["status"] == "invalid"
        assert "outside its submission folder" in reports[f"{name}__tugas"]["reason"]
    assert reports["fay__tugas"]["status"] == "invalid"
    assert reports["dedi__tugas"]["status"] == "graded"
    budi_run = Path(reports["budi__tugas"]["run_folder"])
    _no_canary(linked, tmp_path / "out", tmp_path / "cache", classmate_run=budi_run)


def test_checking_a_notebook_among_links_leaks_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    linked = build_linked_class(tmp_path, RUBRIC)
    monkeypatch.chdir(tmp_path)
    args = ["check", "subs/ana/tugas.ipynb", "--rubric", "rubric/rubric.yaml", "--sandbox", "--cache-dir", "cache"]
    assert main([*args, "--json", "out/ana.json", "--html", "out/ana.html"]) == 0
    assert "dir_link" in (tmp_path / "out" / "ana.html").read_text(encoding="utf-8")
    _no_canary(linked, tmp_path / "out", tmp_path / "cache")
    assert main(["check", "subs/cici/tugas.ipynb", "--rubric", "rubric/rubric.yaml", "--no-cache"]) == 2
