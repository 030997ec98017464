"""Notes for the student carry the cell they come from as Jupyter numbers it."""

from __future__ import annotations

from factories import evidence

from grader.i18n import render
from grader.models.evidence import CellOutput, NoteRecord
from grader.models.execution import CellRun
from grader.scoring.notes import note_messages


def test_a_note_cites_its_code_cell_not_its_notebook_position():
    ev = evidence(
        cells=(CellRun(1, "ok"), CellRun(3, "ok")),
        outputs=(
            CellOutput(index=1, text="", images=0, source="import pandas as pd"),
            CellOutput(index=3, text="", images=0, source="!pip install seaborn\ndf = pd.read_csv('hcvdat0.csv')"),
        ),
        notes=(NoteRecord(seq=1, cell=3, code="install_skipped", detail={"line": "!pip install seaborn"}),),
    )
    (note,) = note_messages(ev)
    assert render(note.params["cell"]) == "code cell 2: !pip install seaborn"
    assert render(note) == (
        "Skipped a package-install line (!pip install seaborn): the grading environment is fixed and offline."
    )
