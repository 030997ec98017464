"""A kept run (``grader grade --no-cache``) keeps only what its evidence is read again from."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from grader.execute.workspace import create_workspace, prune_workspace


def test_prune_keeps_evidence_outputs_and_saved_models_only(tmp_path: Path) -> None:
    notebook = tmp_path / "tugas.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("print(1)")]), notebook)
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    ws = create_workspace(notebook, tmp_path / "run", [data])
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    (ws.work / "junk").mkdir()
    (ws.work / "junk" / "big.bin").write_bytes(b"x" * 1000)
    (ws.work / "model.keras").write_bytes(b"model")
    (ws.work / "saved" / "variables").mkdir(parents=True)
    (ws.work / "saved" / "saved_model.pb").write_bytes(b"pb")
    (ws.work / "saved" / "variables" / "v.index").write_bytes(b"v")
    os.symlink(outside, ws.work / "link.txt")
    os.symlink(tmp_path, ws.work / "link_dir")
    (ws.home / ".keras" / "datasets" / "mnist.npz").write_bytes(b"m")
    (ws.evidence / "events.jsonl").write_text("{}\n", encoding="utf-8")
    (ws.out / "outcome.json").write_text("{}", encoding="utf-8")
    (ws.root / "staged.json").write_text("[]", encoding="utf-8")

    prune_workspace(ws, [str(ws.work / "model.keras"), str(ws.work / "saved"), str(outside), ""])

    left = sorted(str(p.relative_to(ws.root)) for p in ws.root.rglob("*"))
    assert left == [
        "evidence",
        "evidence/events.jsonl",
        "out",
        "out/outcome.json",
        "staged.json",
        "work",
        "work/model.keras",
        "work/saved",
        "work/saved/saved_model.pb",
        "work/saved/variables",
        "work/saved/variables/v.index",
    ]
    assert outside.read_text(encoding="utf-8") == "keep me\n"  # a link is removed, never followed
    assert (tmp_path / "data.csv").exists()


def test_prune_without_saved_models_removes_work_and_home(tmp_path: Path) -> None:
    notebook = tmp_path / "tugas.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("print(1)")]), notebook)
    ws = create_workspace(notebook, tmp_path / "run")
    (ws.work / "deep" / "er").mkdir(parents=True)
    (ws.work / "deep" / "er" / "f.txt").write_text("x", encoding="utf-8")
    prune_workspace(ws)
    assert not ws.home.exists() and not ws.work.exists()
    assert ws.evidence.is_dir() and ws.out.is_dir()
