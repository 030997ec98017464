"""The worker's and the launcher's parts of the disk quota, without a kernel or a sandbox."""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader.execute import quota
from grader.execute.launch import launch
from grader.models.execution import WORKSPACE_LAYOUT_ENV, CellRun, ExecutionJob, ExecutionOutcome


def _job(root: Path) -> ExecutionJob:
    for name in ("work", "evidence", "out", "home"):
        (root / name).mkdir(parents=True, exist_ok=True)
    return ExecutionJob(
        notebook=str(root / "work" / "nb.ipynb"),
        workdir=str(root / "work"),
        evidence_dir=str(root / "evidence"),
        out_dir=str(root / "out"),
        kernel_env={"HOME": str(root / "home")},
        notebook_timeout=60,
    )


def _event(kind: str, **fields: Any) -> str:
    return json.dumps({"kind": kind, **fields}) + "\n"


def _sent(job: ExecutionJob) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    quota.send_kept(lambda kind, data: messages.append({"kind": kind, **data}), job)
    return messages


def test_only_the_evidence_and_the_latest_saved_models_are_sent(tmp_path: Path) -> None:
    job = _job(tmp_path / "inside")
    work, evidence = Path(job.workdir), Path(job.evidence_dir)
    for n in range(8):
        (work / f"model{n}.keras").write_bytes(b"m" * (n + 1))
    (work / "junk.bin").write_bytes(b"j" * 1000)  # written by the notebook, never referred to
    outside = tmp_path / "host-file.txt"
    outside.write_text("TOP-SECRET-CONTENT")
    os.symlink(outside, work / "link.keras")
    os.mkfifo(work / "pipe.keras")
    saves = [_event("save", path=str(work / f"model{n}.keras")) for n in range(8)]
    saves += [_event("save", path=str(outside)), _event("save", path=str(work / "link.keras"))]
    saves += [_event("save", path=str(work / "pipe.keras")), _event("save", path=str(work / ".." / "x.keras"))]
    (evidence / "events.jsonl").write_text("".join(saves) + "not json\n")
    (evidence / "arrays").mkdir()
    (evidence / "arrays" / "x.npy").write_bytes(b"\x93NUMPY" + b"0" * 100)
    os.symlink(outside, evidence / "sneaky")
    messages = _sent(job)
    paths = [m["path"] for m in messages if m["offset"] == 0]
    # the six latest saved models, newest first; then the evidence; nothing through a link or a FIFO
    assert paths[:6] == [str(work / f"model{n}.keras") for n in range(7, 1, -1)]
    assert set(paths[6:]) == {str(evidence / "events.jsonl"), str(evidence / "arrays" / "x.npy")}
    assert all(m["kind"] == quota.FILE_KIND for m in messages)
    assert not any(b"TOP-SECRET" in base64.b64decode(m["data"]) for m in messages)


def _replayed(messages: list[dict[str, Any]], inside: Path, host: Path) -> list[dict[str, Any]]:
    return [{**m, "path": m["path"].replace(str(inside), str(host))} for m in messages]


def test_the_keeper_writes_what_was_sent_under_the_run_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quota, "CHUNK_BYTES", 1000)
    inside, host = _job(tmp_path / "inside"), _job(tmp_path / "host")
    big = bytes(range(256)) * 20  # 5120 bytes: six chunks
    (Path(inside.evidence_dir) / "models").mkdir()
    (Path(inside.evidence_dir) / "models" / "final.keras").write_bytes(big)
    (Path(inside.evidence_dir) / "empty.json").write_bytes(b"")
    keeper = quota.Keeper(host)
    for message in _replayed(_sent(inside), tmp_path / "inside", tmp_path / "host"):
        keeper.add(message)
    assert (Path(host.evidence_dir) / "models" / "final.keras").read_bytes() == big
    assert (Path(host.evidence_dir) / "empty.json").read_bytes() == b""
    assert keeper.written == len(big)

    def chunk(path: str, offset: int = 0, data: bytes = b"x") -> dict[str, Any]:
        return {"path": path, "offset": offset, "data": base64.b64encode(data).decode()}

    escape = tmp_path / "escape"
    escape.mkdir()
    os.symlink(escape, Path(host.workdir) / "linked")  # a link on the host side leading out
    os.symlink(escape / "target", Path(host.workdir) / "linked-file")
    for path in (
        str(tmp_path / "elsewhere.txt"),
        f"{host.workdir}/../out/outcome.json",
        f"{host.workdir}/linked/planted.txt",
        f"{host.workdir}/linked-file",
        "relative/path.txt",
    ):
        keeper.add(chunk(path))
    assert not (tmp_path / "elsewhere.txt").exists() and not (Path(host.out_dir) / "outcome.json").exists()
    assert list(escape.iterdir()) == []
    keeper.add(chunk(f"{host.workdir}/model.keras", offset=7))  # not the continuation of anything
    assert not (Path(host.workdir) / "model.keras").exists()
    monkeypatch.setattr(quota, "MAX_KEPT_BYTES", keeper.written + 3)
    keeper.add(chunk(f"{host.workdir}/small.keras", data=b"abc"))
    keeper.add(chunk(f"{host.workdir}/over.keras", data=b"d"))  # past the bound: dropped
    assert (Path(host.workdir) / "small.keras").read_bytes() == b"abc"
    assert not (Path(host.workdir) / "over.keras").exists()


STAND_IN = """
import base64, os
from grader import channel
key = bytes.fromhex(os.environ[channel.SUPERVISOR_KEY_ENV])
sender = channel.Sender(1, key)
sender.send("outcome", {"status": "completed", "reason": None, "cells": [], "duration_s": 0.1,
    "executed_notebook": None, "evidence_dir": "ignored", "disk_full_mb": 300})
sender.send("file", {"path": %(model)r, "offset": 0, "data": base64.b64encode(b"weights").decode()})
forged = channel.encode(b"0" * 32, "file", {"path": %(forged)r, "offset": 0, "data": "eA=="})
os.write(1, forged)
"""


class StandIn:
    """Replaces the worker with a script that sends a kept file (signed) and a forged one."""

    def __init__(self, job: ExecutionJob) -> None:
        self.script = STAND_IN % {
            "model": f"{job.workdir}/model.keras",
            "forged": f"{job.evidence_dir}/events.jsonl",
        }

    def command(self, argv: list[str], job: ExecutionJob) -> list[str]:
        return [sys.executable, "-c", self.script]

    def conclude(self, outcome: ExecutionOutcome, verdict: dict[str, Any]) -> ExecutionOutcome:
        return outcome


def test_kept_files_arrive_over_the_signed_channel_only(tmp_path: Path) -> None:
    job = _job(tmp_path)
    nbformat.write(new_notebook(cells=[new_code_cell("print(1)")]), job.notebook)
    outcome = launch(job, wrap=StandIn(job))
    assert (Path(job.workdir) / "model.keras").read_bytes() == b"weights"
    assert not (Path(job.evidence_dir) / "events.jsonl").exists()
    assert outcome.disk_full_mb == 300  # travels in the outcome
    assert json.loads((Path(job.out_dir) / "outcome.json").read_text())["disk_full_mb"] == 300


def test_the_evidence_goes_home_after_each_cell_as_it_changes(tmp_path: Path) -> None:
    inside, host = _job(tmp_path / "inside"), _job(tmp_path / "host")
    events, array = Path(inside.evidence_dir) / "events.jsonl", Path(inside.evidence_dir) / "a.npy"
    messages: list[dict[str, Any]] = []
    kept = quota.KeptSender(lambda kind, data: messages.append(data), inside)
    events.write_text(_event("fit", cell=1))
    array.write_bytes(b"first")
    kept.update()
    kept.update()  # nothing changed: nothing sent
    assert len(messages) == 2
    with events.open("a") as handle:
        handle.write(_event("fit", cell=2))
    array.write_bytes(b"second, longer")
    os.utime(array, ns=(1, 1))  # a changed file, whatever the clock says
    kept.update()
    grown = [m for m in messages[2:] if m["path"] == str(events)]
    assert [m["offset"] for m in grown] == [len(_event("fit", cell=1))]  # only the new bytes of the log
    keeper = quota.Keeper(host)
    for message in _replayed(messages, tmp_path / "inside", tmp_path / "host"):
        keeper.add(message)
    assert (Path(host.evidence_dir) / "events.jsonl").read_text() == events.read_text()
    assert (Path(host.evidence_dir) / "a.npy").read_bytes() == b"second, longer"


def test_disk_watch_notices_the_quota_filling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKSPACE_LAYOUT_ENV, json.dumps({"disk_mb": 2048, "mount": str(tmp_path), "inputs": []}))
    layout = quota.workspace_layout()
    assert layout is not None and WORKSPACE_LAYOUT_ENV not in os.environ  # the kernel does not inherit it
    watch = quota.DiskWatch(layout)
    outcome = ExecutionOutcome("completed", None, (CellRun(0, "ok"),), 1.0, None, str(tmp_path))
    watch.after_cell(CellRun(0, "ok"))
    assert watch.conclude(outcome) == outcome  # this disk has room
    watch.after_cell(CellRun(1, "error", "OSError: [Errno 28] No space left on device"))
    full = watch.conclude(outcome)
    assert full.disk_full_mb == 2048 and full.reason == "the notebook filled its 2 GiB of disk"
    timed_out = ExecutionOutcome("timeout", "code cell 2 ran past its 3 s limit", (), 1.0, None, str(tmp_path))
    assert watch.conclude(timed_out).reason == "code cell 2 ran past its 3 s limit"  # the stop says more

    class Full:
        f_bavail, f_frsize = 10, 4096

    quiet = quota.DiskWatch(layout)
    monkeypatch.setattr(quota.os, "statvfs", lambda _: Full())
    quiet.after_cell(CellRun(0, "ok"))  # a full disk with no error seen (the notebook caught it)
    assert quiet.full


def test_inputs_are_copied_in_links_as_links(tmp_path: Path) -> None:
    source, target = tmp_path / "in" / "work", tmp_path / "ws" / "work"
    (source / "data").mkdir(parents=True)
    (source / "nb.ipynb").write_text("{}")
    (source / "data" / "x.csv").write_text("a\n1\n")
    os.symlink("data/x.csv", source / "alias.csv")
    target.mkdir(parents=True)
    quota.copy_inputs({"inputs": [[str(source), str(target)], [str(tmp_path / "in" / "missing"), str(target)]]})
    assert (target / "nb.ipynb").read_text() == "{}"
    assert (target / "data" / "x.csv").read_text() == "a\n1\n"
    assert os.readlink(target / "alias.csv") == "data/x.csv"
    assert quota.workspace_layout() is None  # no sandbox said so: host folders, no quota


def test_the_evidence_of_a_long_partial_fit_loop_arrives_whole(tmp_path: Path) -> None:
    """A hand-written loop of 3 configurations x 250 epochs x 3 row files per fit (and more):
    every file of its evidence reaches the host, or its roles cannot be found again."""
    inside, host = _job(tmp_path / "inside"), _job(tmp_path / "host")
    rows = Path(inside.evidence_dir) / "rows"
    rows.mkdir()
    count = 25_000
    for i in range(count):
        (rows / f"r{i}.npy").write_bytes(b"x")
    messages: list[dict[str, Any]] = []
    quota.send_kept(lambda kind, data: messages.append(data), inside)
    keeper = quota.Keeper(host)
    for message in _replayed(messages, tmp_path / "inside", tmp_path / "host"):
        keeper.add(message)
    assert len(list((Path(host.evidence_dir) / "rows").iterdir())) == count
