"""Feedback names a cell the way Jupyter shows it: its number among the code cells and its first
line of code, never a position that counts markdown cells."""

from __future__ import annotations

from factories import evidence, standard

from grader.checks import run_check
from grader.i18n import render
from grader.models.cells import cell_ref, code_cell_label, code_cell_number, first_code_line, line_matching
from grader.models.evidence import ClaimRecord, MetricCallRecord
from grader.models.execution import CellRun

from .crashes import MARKDOWN, cells, text
from .helpers import axes, figure, line

NOTEBOOK = cells(
    MARKDOWN,
    ("# Tugas HCV\nimport pandas as pd", "ok", None),
    MARKDOWN,
    MARKDOWN,
    ("df = pd.read_csv('hcvdat0.csv')\nX = df.drop(columns=['Category'])", "ok", None),
    ("", "ok", None),
    MARKDOWN,
    ("model.fit(X_train, y_train,\n          epochs=100)", "error", "ValueError: Input contains NaN\nmore"),
)


def test_code_cells_are_numbered_among_code_cells_only():
    runs = NOTEBOOK["cells"]
    assert [code_cell_number(runs, i) for i in (1, 4, 5, 7)] == [1, 2, 3, 4]
    assert code_cell_number(runs, 0) is None and code_cell_label(runs, 7) == "code cell 4"
    assert code_cell_label(runs, 99) == "a cell"


def test_a_reference_quotes_the_first_line_of_code_not_a_comment():
    ev = evidence(**NOTEBOOK)
    assert render(cell_ref(ev, 1)) == "code cell 1: import pandas as pd"
    assert render(cell_ref(ev, 7)) == "code cell 4: model.fit(X_train, y_train,"
    assert render(cell_ref(ev, 4, mention="X")) == "code cell 2: X = df.drop(columns=['Category'])"
    assert render(cell_ref(ev, 4, pattern=r"read_csv")) == "code cell 2: df = pd.read_csv('hcvdat0.csv')"
    assert render(cell_ref(ev, 5)) == "code cell 3"  # an empty cell has no line to quote
    assert render(cell_ref(ev, 7), "id") == "sel kode 4: model.fit(X_train, y_train,"
    assert render(cell_ref(ev, 0)) == "a cell outside the notebook's code cells"


def test_long_lines_are_shortened_and_comments_skipped():
    assert first_code_line("# only a comment") == "# only a comment"
    assert first_code_line("x = '" + "a" * 100 + "'").endswith("…") and len(first_code_line("x" * 100)) == 70
    assert line_matching("a = 1\nmodel.fit(x)", r"\.fit\(") == "model.fit(x)"


def test_a_cell_error_is_cited_as_the_student_sees_the_cell():
    result = run_check("runs", evidence(**NOTEBOOK), {})
    assert text(result) == (
        "1 cell(s) raised an error; the first is code cell 4: model.fit(X_train, y_train,, which raised "
        "ValueError: Input contains NaN. Restart the kernel and run all cells top to bottom to reproduce it."
    )


def test_a_timeout_names_the_cell_to_make_faster():
    ev = evidence(
        status="timeout",
        reason="code cell 2 ran past its 600 s limit",
        cells=(CellRun(1, "ok"), CellRun(3, "timeout", "code cell 2 ran past its 600 s limit")),
        outputs=cells(MARKDOWN, ("x = 1", "ok", None), MARKDOWN, ("model.fit(X, y, epochs=10**6)", "ok", None))[
            "outputs"
        ],
    )
    assert "Make code cell 2: model.fit(X, y, epochs=10**6) faster" in text(run_check("runs", ev, {}))


def test_confusion_matrix_and_claims_cite_code_cells():
    shown = MetricCallRecord(
        seq=30,
        cell=4,
        func="confusion_matrix",
        y_true=None,
        y_pred=None,
        value=[[5, 0, 0], [0, 5, 0], [0, 0, 5]],
        display=True,
    )
    ev = standard(metric_calls=(shown,), **NOTEBOOK)
    result = run_check("confusion_matrix", ev, {})
    assert result.passed and "(code cell 2: df = pd.read_csv('hcvdat0.csv'))" in text(result)
    assert result.evidence["found"][0]["cell"] == 2
    claim = ClaimRecord(cell=7, metric="accuracy", value=0.99, qualifier="test", text="Akurasi uji: 0.99")
    claimed = run_check("integrity", standard(claims=(claim,), **NOTEBOOK), {})
    assert 'The notebook prints "Akurasi uji: 0.99" (code cell 4: model.fit(X_train, y_train,)' in text(claimed)


def test_figure_facts_give_the_code_cell_number():
    drawn = figure(axes([line("train", (1.0, 0.8, 0.5)), line("val", (1.1, 0.9, 0.7))]), cell=7)
    result = run_check("loss_plot", standard(figures=(drawn,), **NOTEBOOK), {})
    assert result.passed and result.evidence["cell"] == 4


def test_the_line_that_raised_is_quoted_when_the_error_names_what_it_holds():
    ev = evidence(
        **cells(
            (
                "import numpy as np\nimport tensorflow as tf\nfrom tensorflow.keras.optimizer import Adam",
                "error",
                "ModuleNotFoundError: No module named 'tensorflow.keras.optimizer'",
            ),
            ("df = pd.read_csv('x.csv')\ny = df['category']", "error", "KeyError: 'category'"),
        )
    )
    result = run_check("runs", ev, {})
    assert "the first is code cell 1: from tensorflow.keras.optimizer import Adam, which raised" in text(result)
    assert render(cell_ref(ev, 1, error="KeyError: 'category'")) == "code cell 2: y = df['category']"
    assert render(cell_ref(ev, 1, error="KeyError: 'absent'")) == "code cell 2: df = pd.read_csv('x.csv')"
