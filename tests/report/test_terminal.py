"""The terminal summary of ``grader check`` on a plain console."""

from __future__ import annotations

import io

from rich.console import Console

from grader.report import print_summary

from .factories import HIDDEN_TITLE, LOSS_FEEDBACK, failing_cells, item, make_result


def summary(result, **kwargs) -> str:
    """What ``print_summary`` prints on a 100-column console without colour."""
    buffer = io.StringIO()
    console = Console(file=buffer, no_color=True, width=100)
    print_summary(result, console, **kwargs)
    return buffer.getvalue()


def test_score_status_and_items() -> None:
    text = summary(make_result())
    assert "2201001 · hcv" in text
    assert "Status: graded" in text
    assert "Score: 70 / 90 (77.8%)" in text
    assert "✓" in text and "✗" in text
    assert "Loss curves" in text and "0/20" in text and "30/30" in text
    assert "\x1b" not in text  # no colour codes on a no-colour console


def test_feedback_is_wrapped_to_the_console() -> None:
    text = summary(make_result())
    assert all(len(line) <= 100 for line in text.splitlines())
    assert " ".join(LOSS_FEEDBACK.split()) in " ".join(text.split())


def test_hidden_items_not_shown_to_students() -> None:
    assert HIDDEN_TITLE not in summary(make_result())
    instructor = summary(make_result(), student_view=False)
    assert HIDDEN_TITLE in " ".join(instructor.split())
    assert "Score: 70 / 100" in instructor


def test_cell_errors_and_reason() -> None:
    result = make_result(cells=failing_cells(), status="timeout", reason="cell 9 ran past its 600 s limit")
    text = summary(result)
    assert "Status: time limit reached" in text
    assert "cell 9 ran past its 600 s limit" in text
    assert "code cell 2: NameError: name 'X_tset' is not defined" in text  # numbered among code cells
    assert "Traceback" not in text
    assert "2 cells did not run (from code cell 3)." in text


def test_student_text_is_not_markup() -> None:
    result = make_result(items=(item("x", passed=False, title="[bold]t[/bold]", feedback="IndexError: [0, 1] [red]"),))
    text = summary(result)
    assert "[bold]t[/bold]" in text and "IndexError: [0, 1] [red]" in text


def test_indonesian_and_notes() -> None:
    result = make_result(items=(item("a", points=7.5),), notes=("Dataset disediakan grader.",))
    text = summary(result, lang="id")
    assert "Nilai: 7,5 / 10 (75%)" in text
    assert "Dilakukan atas nama Anda" in text and "- Dataset disediakan grader." in text


def test_ascii_console_gets_ascii_marks() -> None:
    class Latin1(io.StringIO):
        """A terminal that cannot encode ✓."""

        encoding = "latin-1"

    buffer = Latin1()
    print_summary(make_result(), Console(file=buffer, no_color=True, width=100))
    text = buffer.getvalue()
    assert "✓" not in text and "✗" not in text
    assert "\n+ " in text and "\nx " in text


def test_an_override_is_marked_with_its_comment() -> None:
    from grader.models.results import Override
    from grader.scoring.overrides import apply_overrides

    result = apply_overrides(make_result(), {"hcv.loss_plot": Override(15, "[bold]see cell 9[/bold]")})
    text = summary(result)
    assert "15/20" in text and "(changed by the instructor)" in text
    assert "Changed by the instructor from 0 to 15 points: [bold]see cell 9[/bold]" in " ".join(text.split())
