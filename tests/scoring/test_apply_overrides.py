"""An instructor's override applied to a scored result: a pure function, no kernel."""

from __future__ import annotations

from dataclasses import replace

from grader.export.results_file import result_from_json, result_to_json
from grader.models.results import ItemResult, Message, Override, Result
from grader.scoring.overrides import apply_overrides, machine_result


def _item(item_id: str, points: float, maximum: float = 10.0, **kw: object) -> ItemResult:
    return ItemResult(
        id=item_id,
        check="runs",
        title=Message.words(item_id),
        points=points,
        max_points=maximum,
        passed=points >= maximum,
        messages=(Message("runs.ok", {"count": 3}),),
        evidence={},
        **kw,  # type: ignore[arg-type]
    )


def _result(*items: ItemResult, score: float | None = None) -> Result:
    return Result(
        submission="subs/ana.ipynb",
        student="111",
        rubric="hcv",
        status="graded",
        score=sum(i.points for i in items) if score is None else score,
        max_score=sum(i.max_points for i in items),
        duration_s=1.0,
        items=items,
        cells=(),
    )


REVIEW = _item("hcv.metric", 0, judged=False, needs_review=True)
GOOD = _item("hcv.split", 10)


def test_an_override_replaces_the_points_and_keeps_the_machines() -> None:
    adjusted = apply_overrides(_result(GOOD, REVIEW), {"hcv.metric": Override(8, "plot in cell 9", "Dr. Sari")})
    item = adjusted.items[1]
    assert (item.points, item.passed, item.judged, item.needs_review) == (8, False, True, False)
    assert item.machine_points == 0 and item.override is not None
    assert item.override.decision.comment == "plot in cell 9" and item.override.decision.author == "Dr. Sari"
    assert (item.override.machine_judged, item.override.machine_needs_review) == (False, True)
    assert adjusted.score == 18 and adjusted.items[0] == GOOD


def test_full_points_pass_and_a_lower_grade_fails() -> None:
    assert apply_overrides(_result(REVIEW), {"hcv.metric": Override(10)}).items[0].passed
    lowered = apply_overrides(_result(GOOD), {"hcv.split": Override(4, "copied")})
    assert not lowered.items[0].passed and lowered.score == 4 and lowered.items[0].machine_points == 10


def test_the_total_moves_by_the_difference_only() -> None:
    # a total adjusted elsewhere (a late penalty, say) keeps that adjustment
    adjusted = apply_overrides(_result(GOOD, REVIEW, score=5.0), {"hcv.metric": Override(6)})
    assert adjusted.score == 11


def test_applying_again_starts_from_the_machine_verdict() -> None:
    once = apply_overrides(_result(GOOD, REVIEW), {"hcv.metric": Override(8)})
    twice = apply_overrides(once, {"hcv.metric": Override(3)})
    assert twice.items[1].points == 3 and twice.items[1].machine_points == 0 and twice.score == 13
    assert apply_overrides(once, {"hcv.metric": Override(8)}) == once


def test_no_overrides_restore_the_machine_result() -> None:
    original = _result(GOOD, REVIEW)
    withdrawn = apply_overrides(apply_overrides(original, {"hcv.metric": Override(8)}), {})
    assert withdrawn == original == machine_result(withdrawn)


def test_an_item_no_longer_in_the_rubric_is_ignored_and_points_fit_the_item() -> None:
    adjusted = apply_overrides(_result(GOOD), {"hcv.gone": Override(5), "hcv.split": Override(25)})
    assert adjusted.items[0].points == 10 and adjusted.score == 10  # the rubric's maximum shrank


def test_the_override_survives_the_result_json_in_both_languages() -> None:
    adjusted = apply_overrides(
        _result(GOOD, REVIEW), {"hcv.metric": Override(8, "ok", "Sari", "2026-12-01T04:00:00", True)}
    )
    for lang in ("en", "id"):
        data = result_to_json(adjusted, lang)
        assert data["items"][1]["machine_points"] == 0 and data["items"][1]["points"] == 8
        assert data["items"][0]["machine_points"] == 10 and data["items"][0]["override"] is None
        assert result_from_json(data) == adjusted
    assert "Changed by the instructor" in result_to_json(adjusted, "en")["items"][1]["feedback"]
    assert "Diubah oleh pengajar" in result_to_json(adjusted, "id")["items"][1]["feedback"]
    assert "ok" in result_to_json(adjusted, "id")["items"][1]["feedback"]


def test_a_result_from_before_overrides_reads_as_not_overridden() -> None:
    data = result_to_json(_result(GOOD))
    for item in data["items"]:
        del item["override"], item["machine_points"]
    assert result_from_json(data).items[0].override is None
    assert replace(result_from_json(data).items[0]) == GOOD
