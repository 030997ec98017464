"""``output`` on hand-made evidence."""

from __future__ import annotations

from factories import evidence

from grader.checks import run_check
from grader.models.evidence import CellOutput


def test_output_contains_is_whitespace_insensitive():
    ev = evidence(outputs=(CellOutput(index=1, text="(108, 4)  (27, 4)\n(15, 4)\n", images=0, source=""),))
    assert run_check("output", ev, {"contains": ["(108, 4) (27, 4) (15, 4)"]}).passed
    result = run_check("output", ev, {"contains": ["(108, 4)", "515"]})
    assert not result.passed and result.fraction == 0.5


def test_output_only_in_cells_whose_code_matches():
    outputs = (
        CellOutput(index=1, text="range ok: True", images=0, source="print(np.all(h <= 1))"),
        CellOutput(index=2, text="max diff 3e-07", images=0, source="keras.layers.SimpleRNN(4)"),
    )
    ev = evidence(outputs=outputs)
    assert run_check("output", ev, {"regex": [r"e-0[5-9]"], "source": "SimpleRNN"}).passed
    assert not run_check("output", ev, {"regex": [r"\bTrue\b"], "source": "SimpleRNN"}).passed
