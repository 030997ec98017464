"""Notebook tests.  The helpers below are shared by the reference-notebook tests
(``test_reference_NN_*.py``): they read what the executed notebook printed and did."""

from __future__ import annotations

import re
from typing import Any

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def printed(run: Any) -> str:
    """Everything the executed notebook printed, with terminal colour codes removed."""
    return ANSI_ESCAPE.sub("", "\n".join(output.text for output in run.evidence.outputs))


def printed_number(run: Any, label: str) -> float:
    """The number printed right after ``label`` (the label is matched literally)."""
    found = re.search(re.escape(label) + r"\s*([-+0-9.eE]+)", printed(run))
    assert found, f"the notebook did not print {label!r}"
    return float(found.group(1))


def assert_ran_cleanly(run: Any) -> None:
    """The run completed, every code cell finished "ok" and the probe saw all of it."""
    outcome = run.outcome
    assert outcome.status == "completed", outcome.reason
    failed = {cell.index: (cell.status, cell.error) for cell in outcome.cells if cell.status != "ok"}
    assert failed == {}
    assert run.evidence.probe_ok
    assert run.evidence.tampered == ()
