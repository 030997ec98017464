"""How feedback names a cell: the way Jupyter shows it to the student.

Every record keeps the cell's position in the notebook file (markdown cells counted), which is
not what a student sees.  Feedback names a cell by its number among the code cells that run
(the ``[n]`` Jupyter shows after *Run All*; empty code cells are skipped, as Jupyter skips
them) and its first line of code: ``code cell 4: model.fit(X_train, y_train)``.  Every cell
reference a student reads is built here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from .evidence import Evidence
from .results import Message

LINE_LIMIT = 70
"""Characters of the quoted line; enough to recognise the cell."""

__all__ = [
    "LINE_LIMIT",
    "cell_ref",
    "cell_source",
    "code_cell_label",
    "code_cell_number",
    "code_cell_numbers",
    "first_code_line",
    "line_matching",
    "line_mentioning",
    "line_raising",
]


class _Indexed(Protocol):
    @property
    def index(self) -> int: ...


def _shorten(line: str, limit: int) -> str:
    line = line.strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def first_line(text: str | None, limit: int = LINE_LIMIT) -> str:
    """The first non-blank line of ``text``, cut to ``limit`` characters."""
    for line in (text or "").splitlines():
        if line.strip():
            return _shorten(line, limit)
    return ""


def first_code_line(source: str | None, limit: int = LINE_LIMIT) -> str:
    """The first line of a cell that is code, not a comment (else its first line at all)."""
    code = "\n".join(line for line in (source or "").splitlines() if not line.lstrip().startswith("#"))
    return first_line(code, limit) or first_line(source, limit)


def line_mentioning(source: str | None, name: str, limit: int = LINE_LIMIT) -> str:
    """The first code line of ``source`` that uses ``name`` as a word; its first code line otherwise."""
    word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    for line in (source or "").splitlines():
        if not line.lstrip().startswith("#") and word.search(line):
            return _shorten(line, limit)
    return first_code_line(source, limit)


def line_matching(source: str | None, pattern: str, limit: int = LINE_LIMIT) -> str:
    """The first code line of ``source`` that matches the regular expression ``pattern``;
    its first code line otherwise."""
    found = re.compile(pattern)
    for line in (source or "").splitlines():
        if not line.lstrip().startswith("#") and found.search(line):
            return _shorten(line, limit)
    return first_code_line(source, limit)


_QUOTED = re.compile(r"'([^'\n]{1,80})'")


def line_raising(source: str | None, error: str | None, limit: int = LINE_LIMIT) -> str:
    """The first code line of ``source`` holding a name the error quotes (``'Adam'``,
    ``'category'``, ``'tensorflow.keras.optimizer'``): most likely the line that raised; ""
    when the error quotes nothing the code holds."""
    for token in _QUOTED.findall(error or ""):
        for line in (source or "").splitlines():
            if not line.lstrip().startswith("#") and token in line:
                return _shorten(line, limit)
    return ""


def code_cell_number(cells: Iterable[_Indexed], index: int) -> int | None:
    """The number Jupyter shows for the cell at notebook position ``index``: its position among
    the code cells that run (``cells`` in notebook order), from 1; None for an unknown cell."""
    for number, cell in enumerate(cells, start=1):
        if cell.index == index:
            return number
    return None


def code_cell_numbers(cells: Iterable[_Indexed]) -> dict[int, int]:
    """``code_cell_number`` of every cell at once: notebook position -> the number Jupyter shows."""
    numbers: dict[int, int] = {}
    for number, cell in enumerate(cells, start=1):
        numbers.setdefault(cell.index, number)  # as code_cell_number: the first cell at that position
    return numbers


def code_cell_label(cells: Iterable[_Indexed], index: int) -> str:
    """``code cell 4`` for records kept as English words (data roles, measurement sources)."""
    number = code_cell_number(cells, index)
    return f"code cell {number}" if number is not None else "a cell"


def cell_source(evidence: Evidence, index: int) -> str:
    """The code of the cell at notebook position ``index`` ("" when it is not known)."""
    return next((out.source for out in evidence.outputs if out.index == index), "")


def _number(evidence: Evidence, index: int) -> int | None:
    number = code_cell_number(evidence.cells, index)
    if number is None and not evidence.cells:
        # no cell runs (a run that never started): the executed notebook's code cells in order
        number = code_cell_number([o for o in evidence.outputs if o.source.strip()], index)
    return number


def cell_ref(
    evidence: Evidence,
    index: int,
    mention: str | None = None,
    pattern: str | None = None,
    error: str | None = None,
) -> Message:
    """A cell as the student sees it: ``code cell 4: model.fit(...)``.

    The quoted line is, in this order of preference: the line holding a name the cell's
    ``error`` quotes (the line that raised), the first line using the name ``mention`` (the
    failing import among several), the first line matching the regular expression ``pattern``
    (the ``.fit(`` line of a longer cell), or the cell's first line of code.
    """
    number = _number(evidence, index)
    if number is None:
        return Message("cell.unknown")
    source = cell_source(evidence, index)
    line = (line_raising(source, error) if error else "") or (
        line_mentioning(source, mention)
        if mention
        else line_matching(source, pattern)
        if pattern
        else first_code_line(source)
    )
    if not line:
        return Message("cell.number", {"number": number})
    return Message("cell.ref", {"number": number, "line": line})
