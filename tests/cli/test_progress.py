"""Progress of a class's grading: plain lines when stderr is not a terminal, a live bar when it is."""

from __future__ import annotations

import io

from grader.commands.progress import Lines, Live, progress_for, result_line
from grader.models.results import Result
from grader.pipeline import activity


def _result(name: str, status: str = "graded", score: float = 80.0) -> Result:
    return Result(
        submission=name,
        student=None,
        rubric="perceptron",
        status=status,  # type: ignore[arg-type]
        score=score,
        max_score=100.0,
        duration_s=4.2,
        items=(),
        cells=(),
        reason="worker lost" if status == "error" else None,
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_not_a_terminal_gets_the_plain_line_per_notebook() -> None:
    stream = io.StringIO()
    progress = progress_for(30, 0, stream)
    assert isinstance(progress, Lines)
    progress.done(2, _result("subs/ana.ipynb"))
    progress.done(3, _result("subs/budi.ipynb", "error", 0.0))
    progress.close()
    assert stream.getvalue().splitlines() == [
        "[3/30] subs/ana.ipynb: 80/100 graded (4 s)",
        "[4/30] subs/budi.ipynb: 0/100 error (4 s): worker lost",
    ]
    assert result_line(0, 1, _result("x", score=66.66)) == "[1/1] x: 66.7/100 graded (4 s)"


def test_a_terminal_gets_a_live_bar_with_counts_running_notebooks_and_eta() -> None:
    stream = Terminal()
    progress = progress_for(5, 1, stream)
    assert isinstance(progress, Live)
    try:
        with activity.running("subs/cici.ipynb"):
            progress.done(1, _result("subs/ana.ipynb"))
            progress.done(2, _result("subs/budi.ipynb", "timeout", 0.0))
            progress.bar.refresh()
            shown = progress.console.export_text() if progress.console.record else stream.getvalue()
    finally:
        progress.close()
    assert "1 graded, 1 timeout" in shown
    assert "running: subs/cici.ipynb" in shown
    assert "2/4" in shown  # of the 4 still to grade (one was reused)
    assert "ETA" in shown
    assert activity.now_running() == []
