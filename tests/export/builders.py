"""Results as ``grader grade`` leaves them: ``results.jsonl``, one result JSON per line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.export import export_results
from grader.export.results_file import result_to_json
from grader.models.results import CellResult, ItemResult, Message, Result


def scored(
    item_id: str,
    points: float,
    max_points: float,
    *,
    feedback: str = "",
    visibility: str = "visible",
    title: str | None = None,
) -> ItemResult:
    """An item that passed when it earned all its points."""
    return ItemResult(
        id=item_id,
        check=item_id.split(".")[-1],
        title=Message.words(title or item_id),
        points=points,
        max_points=max_points,
        passed=points >= max_points,
        messages=(Message.words(feedback),) if feedback else (),
        evidence={"found": [400, 100, 115]},
        visibility=visibility,
    )  # type: ignore[arg-type]


def result(
    student: str | None,
    submission: str,
    items: tuple[ItemResult, ...],
    *,
    status: str = "graded",
    reason: str | None = None,
    cells: tuple[CellResult, ...] = (),
    notes: tuple[str, ...] = (),
) -> Result:
    """A result whose totals are the sums of its items."""
    return Result(
        submission=submission,
        student=student,
        rubric="hcv",
        status=status,  # type: ignore[arg-type]
        score=sum(i.points for i in items),
        max_score=sum(i.max_points for i in items),
        duration_s=12.5,
        items=items,
        cells=cells,
        reason=reason,
        notes=tuple(Message.words(n) for n in notes),
    )


LOSS_FEEDBACK = "No validation loss curve.\nPlot history.history['val_loss'], labelled."


def class_results() -> list[Result]:
    """Three submissions: a good one, an anonymous partial one, a timed-out one."""
    return [
        result(
            "2201001",
            "subs/2201001_hw.ipynb",
            (
                scored("hcv.split", 20, 20),
                scored("hcv.loss_plot", 0, 20, feedback=LOSS_FEEDBACK, title="Loss curves"),
                scored("hcv.integrity", 7.5, 10, visibility="hidden", title="Secret claims"),
            ),
        ),
        result(
            None,
            "subs/anonymous.ipynb",
            (scored("hcv.split", 20, 20), scored("hcv.loss_plot", 20, 20)),
            notes=("hcvdat0.csv was served from the grader's copy",),
        ),
        result(
            '=HYPERLINK("x")',
            "subs/evil.ipynb",
            (scored("hcv.split", 0, 20, feedback="no split\x1b[31m found\x00"),),
            status="timeout",
            reason="cell 4 ran past its 600 s limit",
            cells=(CellResult(index=4, status="timeout", error="ran past 600 s"),),
        ),
    ]


def write_results(folder: Path, results: list[Result]) -> Path:
    """Write ``results.jsonl`` as the pipeline does."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(result_to_json(r), ensure_ascii=False) for r in results]
    (folder / "results.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def moodle_results() -> list[Result]:
    """A Moodle download graded: a folder per student, a prefixed file, and a loose notebook."""
    return [
        result(
            "123456",
            "tugas.zip/Ayu Lestari_123456_assignsubmission_file_/tugas.ipynb",
            (scored("hcv.split", 20, 20), scored("hcv.loss_plot", 0, 20, feedback="Plot <val_loss> & label it")),
        ),
        result(None, "tugas.zip/Budi Santoso_98_assignsubmission_file_tugas.ipynb", (scored("hcv.split", 20, 20),)),
        result("loose", "extra/loose.ipynb", (scored("hcv.split", 10, 20),)),
    ]


def canvas_results() -> list[Result]:
    """A Canvas download graded (on time and late), and a notebook from elsewhere."""
    return [
        result("98765", "subs.zip/anggrainidewi_98765_1201_tugas.ipynb", (scored("hcv.split", 20, 20),)),
        result("98770", "subs.zip/pratamarizky_LATE_98770_1202_tugas.ipynb", (scored("hcv.split", 5, 20),)),
        result("2201009", "2201009/tugas.ipynb", (scored("hcv.split", 10, 20),)),
    ]


def export_one(results_dir: Path, fmt: str, lang: str | None = None, **options: Any) -> Path:
    """The one file (or folder) an export of a single rubric's results writes."""
    written = export_results(results_dir, fmt, lang, **options)
    assert len(written) == 1, written
    return written[0]


OVERRIDE_COMMENT = "Loss curves drawn in cell 9 & labelled <ok>"


def overridden(
    results: list[Result], item_id: str, points: float, comment: str | None = OVERRIDE_COMMENT
) -> list[Result]:
    """``results`` with the first one's ``item_id`` given ``points`` by the instructor."""
    from grader.models.results import Override
    from grader.scoring.overrides import apply_overrides

    first = apply_overrides(results[0], {item_id: Override(points, comment, "Dr. Sari", "2026-12-01T04:00:00")})
    return [first, *results[1:]]
