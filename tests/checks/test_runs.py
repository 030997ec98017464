"""``runs`` on hand-made evidence."""

from __future__ import annotations

from factories import evidence

from grader.checks import run_check
from grader.models.execution import CellRun

from .helpers import codes


def test_runs_passes_when_every_cell_is_ok():
    assert run_check("runs", evidence(), {}).passed


def test_runs_fails_with_partial_credit_on_a_cell_error():
    ev = evidence(cells=(CellRun(0, "ok"), CellRun(1, "error", "NameError: name 'history1' is not defined")))
    result = run_check("runs", ev, {})
    assert not result.passed and result.fraction == 0.5
    assert codes(result) == ["runs.cell_errors"]
    assert result.messages[0].params["error"].startswith("NameError")


def test_runs_tolerates_errors_when_the_rubric_allows():
    ev = evidence(cells=(CellRun(0, "ok"), CellRun(1, "error", "ValueError: x")))
    assert run_check("runs", ev, {"max_errors": 1}).passed


def test_a_dead_kernel_fails_runs_even_if_cells_before_were_ok():
    ev = evidence(
        status="kernel_died",
        reason="the kernel exited with status 1",
        cells=(CellRun(0, "ok"), CellRun(1, "not_run", "the kernel died"), CellRun(2, "not_run")),
    )
    result = run_check("runs", ev, {"max_errors": 5})
    assert not result.passed and "runs.kernel_died" in codes(result)


def test_a_filled_disk_is_named_with_its_size_in_both_languages():
    from grader.i18n import render
    from grader.scoring.notes import note_messages

    error = "OSError: [Errno 28] No space left on device (sandbox limit: 2 GiB of disk ...)"
    ev = evidence(cells=(CellRun(0, "error", error), CellRun(1, "ok")), disk_full_mb=2048)
    result = run_check("runs", ev, {})
    assert not result.passed and codes(result) == ["runs.cell_errors", "runs.disk_full"]
    text = render(result.messages[-1], "en")
    assert text.startswith("The notebook filled its 2 GiB of disk")
    assert render(result.messages[-1], "id").startswith("Notebook memenuhi 2 GiB ruang disk")
    assert [m.code for m in note_messages(ev)] == ["note.disk_full"]
    assert "runs.disk_full" not in codes(run_check("runs", evidence(cells=(CellRun(0, "ok"),)), {}))
