"""What a notebook left in an open file reaches the disk before its kernel is stopped.

The kernel of a finished run is killed, not shut down gracefully (a graceful shutdown cost about
a second of every run), so the probe flushes what the interpreter's exit would have: a model
pickled into a file the notebook never closed is then read whole by the saved-model check.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from grader.probe.files import flush_open_files


def test_a_file_left_open_is_flushed(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    handle = open(path, "wb")  # noqa: SIM115 - the notebook's habit under test
    pickle.dump({"weights": list(range(300))}, handle)
    text = open(tmp_path / "log.txt", "w", encoding="utf-8")  # noqa: SIM115
    text.write("epoch 1 loss 0.5\n")
    assert path.stat().st_size == 0  # still in the buffer
    flush_open_files()
    assert pickle.loads(path.read_bytes()) == {"weights": list(range(300))}
    assert (tmp_path / "log.txt").read_text(encoding="utf-8") == "epoch 1 loss 0.5\n"
    handle.close()
    text.close()


def test_closed_and_read_only_files_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    reading = open(tmp_path / "data.csv", encoding="utf-8")  # noqa: SIM115
    closed = open(tmp_path / "done.txt", "w", encoding="utf-8")  # noqa: SIM115
    closed.close()
    flush_open_files()  # neither raises
    assert reading.read() == "a,b\n1,2\n"
    reading.close()
