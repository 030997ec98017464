"""The per-submission HTML page, rendered from hand-made results and evidence."""

from __future__ import annotations

import base64
import functools
import io
from urllib.parse import urlsplit

import pytest
from PIL import Image

from grader.models.evidence import DataRoles, ModelRecord
from grader.models.execution import CellRun
from grader.report import render_submission_html

from .factories import (
    HIDDEN_TITLE,
    LOSS_FEEDBACK,
    failing_cells,
    item,
    make_evidence,
    make_result,
    rows,
)
from .htmlpage import Page, parse


@functools.cache
def default_html(student_view: bool = False, rubric_title: str | None = None) -> str:
    """The full example report, rendered once per session (rendering draws two PNGs)."""
    return render_submission_html(make_result(rubric_title=rubric_title), make_evidence(), student_view=student_view)


def render(**kwargs) -> Page:
    """Parse a report of the example result, or of what ``kwargs`` replace."""
    if not {"result", "evidence", "lang"} & kwargs.keys():
        return parse(default_html(**kwargs))
    result = kwargs.pop("result", None) or make_result()
    evidence = kwargs.pop("evidence", make_evidence())
    return parse(render_submission_html(result, evidence, **kwargs))


def item_ids(page: Page) -> list[str]:
    """The items shown, in page order."""
    return [a["data-item"] for a in page.find("div") if "data-item" in a]


def test_header_shows_student_rubric_status_and_score() -> None:
    page = render(rubric_title="Hepatitis C classifier")
    assert page.text("student") == "2201001"
    assert page.text("submission") == "hw2/2201001_hcv.ipynb"
    assert page.text("rubric") == "Hepatitis C classifier"
    assert page.text("status") == "graded"
    assert page.text("score") == "70 / 100"
    assert "Hepatitis C classifier" in page.title and "2201001" in page.title
    assert any("width: 70.0%" in style for style in page.with_attr("style"))


def test_every_item_has_verdict_points_title_and_feedback() -> None:
    page = render()
    assert item_ids(page) == ["hcv.split", "hcv.architecture", "hcv.loss_plot", "hcv.metric", "hcv.integrity"]
    text = page.text("items")
    assert "✗ failed Loss curves 0 / 20" in text
    assert "✓ passed Test accuracy ≥ 0.85 30 / 30" in text
    assert " ".join(LOSS_FEEDBACK.split()) in text


def test_instructor_view_marks_hidden_items() -> None:
    page = render()
    hidden = page.find("div", **{"data-visibility": "hidden"})
    assert [a["data-item"] for a in hidden] == ["hcv.integrity"]
    assert HIDDEN_TITLE in page.text("items")
    assert "hidden from students" in page.text("items")


def test_student_view_omits_hidden_items_and_their_points() -> None:
    page = render(student_view=True)
    assert "hcv.integrity" not in item_ids(page)
    assert HIDDEN_TITLE not in page.text()
    assert page.text("score") == "70 / 90"
    assert any("width: 77.8%" in style for style in page.with_attr("style"))


def test_indonesian_report() -> None:
    result = make_result(items=(item("a", title="Pembagian data", points=7.5),))
    page = render(result=result, lang="id")
    assert page.find("html")[0]["lang"] == "id"
    assert "Laporan penilaian" in page.title
    assert page.text("score") == "7,5 / 10"
    text = page.text()
    for words in (
        "Butir rubrik",
        "lulus",
        "Mahasiswa",
        "Pembagian data",
        "Data latih",
        "400 baris",
        "Model akhir",
        "Akurasi",
        "Baseline kelas mayoritas",
        "Matriks konfusi",
        "Dilakukan atas nama Anda",
    ):
        assert words in text, words
    assert "Rubric items" not in text


def test_self_contained_no_external_urls_no_scripts() -> None:
    html = default_html()
    page = parse(html)
    for url in page.with_attr("src") + page.with_attr("href"):
        parts = urlsplit(url)
        assert parts.scheme in ("", "data") and not parts.netloc, url
    assert not page.find("script") and not page.find("link")
    policy = page.find("meta", **{"http-equiv": "Content-Security-Policy"})
    assert policy and "default-src 'none'" in policy[0]["content"]
    assert "http://" not in html and "https://" not in html


def test_images_are_png_data_uris() -> None:
    page = render()
    images = page.find("img")
    assert len(images) == 2  # loss curves and confusion matrix
    for image in images:
        prefix = "data:image/png;base64,"
        assert image["src"].startswith(prefix)
        png = base64.b64decode(image["src"][len(prefix) :], validate=True)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        with Image.open(io.BytesIO(png)) as picture:
            assert picture.format == "PNG" and picture.width > 200 and picture.height > 150
        assert image["alt"]


def test_evidence_sections() -> None:
    page = render()
    assert page.text("splits") == (
        "Training 400 rows Validation 100 rows Test 115 rows All rows before splitting 615 rows"
    )
    model = page.text("model")
    assert "Dense 16 relu 208" in model and "Dropout rate 0.2" in model
    assert page.text("param-total") == "293"
    measured = page.text("measurements")
    assert "Test 115 93% 0.812 87%" in measured
    assert "Validation 115" in measured
    assert page.find("figure", id="loss-curves") and page.find("figure", id="confusion")
    assert "model.keras" in page.text("saved")
    assert "pip.skipped" in page.text("notes")


def test_result_notes_replace_raw_evidence_notes() -> None:
    result = make_result(notes=("The dataset hcvdat0.csv was served from the grader's copy.",))
    page = render(result=result)
    assert page.text("notes") == ("Done on your behalf The dataset hcvdat0.csv was served from the grader's copy.")


def test_cell_errors_are_shortened_and_name_the_cell() -> None:
    result = make_result(cells=failing_cells())
    page = render(result=result)
    cells = page.text("cells")
    assert "code cell 2" in cells  # notebook position 5 is the second code cell that ran
    assert "NameError: name 'X_tset' is not defined" in cells
    assert "score = model.evaluate(X_tset, y_test)" in cells  # the cell's first code line
    assert "Traceback" not in cells
    assert page.text("not-run") == "2 cells did not run (from code cell 3)."
    assert [a["data-cell"] for a in page.find("tr") if "data-cell" in a] == ["5"]


def test_invalid_submission_without_evidence() -> None:
    result = make_result(
        items=(item("hcv.runs", passed=False),),
        status="invalid",
        reason="not a notebook: the file is a zip of PNG images",
    )
    page = render(result=result, evidence=None)
    assert page.find("span", id="status")[0]["data-status"] == "invalid"
    assert page.text("reason") == "not a notebook: the file is a zip of PNG images"
    assert page.text("no-evidence") == "Nothing could be observed from this submission."
    assert not page.find("img")
    assert page.text("score") == "0 / 10"


def test_kernel_died_with_partial_evidence() -> None:
    cells = (
        CellRun(index=2, status="ok"),
        CellRun(index=4, status="error", error="kernel died while running this cell"),
        CellRun(index=6, status="not_run"),
    )
    evidence = make_evidence(
        status="kernel_died",
        cells=cells,
        models={},
        fits=(),
        measurements=(),
        saved_models=(),
        outputs=(),
        roles=DataRoles(final_mid=None, train=rows(400)),
        reevaluation_problem="no model was fitted\nsecond line",
    )
    result = make_result(
        status="kernel_died",
        reason="the kernel died in cell 4 (out of memory)",
        items=(item("hcv.runs", passed=False),),
    )
    page = render(result=result, evidence=evidence)
    assert "The run stopped early" in page.text("evidence")
    assert page.text("splits") == "Training 400 rows Validation not found Test not found"
    assert "kernel died while running this cell" in page.text("cells")  # from evidence cells
    assert page.text("not-run") == "1 cells did not run (from code cell 3)."
    assert page.text("measurement-problem") == ("The grader could not measure the final model: no model was fitted")
    assert not page.find("img")


def test_warnings_for_overlaps_validation_split_and_leaks() -> None:
    roles = DataRoles(
        final_mid="m1",
        train=rows(400),
        validation_mode="split",
        validation_fraction=0.2,
        test=rows(115),
        overlaps={"train_test": 12},
        test_is_validation=True,
        leaks=("StandardScaler.fit saw 115 test rows",),
    )
    page = render(evidence=make_evidence(roles=roles))
    splits = page.text("evidence")
    assert "20% of the training rows (validation_split)" in splits
    assert "12 rows appear in both training and test." in splits
    assert "The test set was also used as validation data during training." in splits
    assert "StandardScaler.fit saw 115 test rows" in splits


def test_sklearn_network_summary_from_layer_sizes() -> None:
    model = ModelRecord(
        seq=1,
        cell=3,
        mid="m1",
        framework="sklearn",
        cls="Pipeline",
        final_class="MLPClassifier",
        steps=("StandardScaler", "MLPClassifier"),
        params={"activation": "relu"},
        layer_sizes=(12, 16, 5),
    )
    page = render(evidence=make_evidence(models={"m1": model}, fits=()))
    table = page.text("model")
    assert "input 12" in table and "hidden 16 relu 208" in table and "output 5 85" in table
    assert page.text("param-total") == "293"
    assert "Pipeline(StandardScaler → MLPClassifier)" in page.text("evidence")
    assert "No training history was recorded for the final model." in page.text("evidence")


def test_odd_evidence_does_not_crash() -> None:
    fit = make_evidence().fits[0]
    nan_fit = type(fit)(**{**fit.__dict__, "history": {"loss": (float("nan"),), "val_loss": ()}})
    measurement = make_evidence().measurements[0]
    empty = type(measurement)(**{**measurement.__dict__, "confusion": (), "labels": ()})
    evidence = make_evidence(fits=(nan_fit,), measurements=(empty,), models={})
    page = render(evidence=evidence)
    assert not page.find("img")


def test_student_text_is_escaped() -> None:
    result = make_result(
        items=(item("x", passed=False, feedback="<script>alert(1)</script>"),), student="<b>mallory</b>"
    )
    html = render_submission_html(result, None)
    assert "<script>" not in html and "<b>mallory" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("graded", "graded"),
        ("timeout", "time limit reached"),
        ("kernel_died", "the kernel died"),
        ("invalid", "not a gradable notebook"),
        ("error", "grader error"),
    ],
)
def test_every_status_has_words(status: str, words: str) -> None:
    result = make_result(status=status, reason=None if status == "graded" else "why")
    page = render(result=result, evidence=None)
    assert page.text("status") == words
    assert page.find("span", id="status")[0]["class"] == ("status" if status == "graded" else "status bad")


def test_rendering_leaves_no_pyplot_figures() -> None:
    plt = pytest.importorskip("matplotlib.pyplot")
    before = plt.get_fignums()
    render()
    assert plt.get_fignums() == before


def _overridden_result():
    from grader.models.results import Override
    from grader.scoring.overrides import apply_overrides

    decision = Override(20, "The curves are in cell 9 <plotly>", "Dr. Sari")
    return apply_overrides(make_result(), {"hcv.loss_plot": decision})


@pytest.mark.parametrize(
    ("lang", "words", "tag"),
    [
        ("en", "Changed by the instructor from 0 to 20 points: The curves are in cell 9 <plotly>", "changed by the"),
        ("id", "Diubah oleh pengajar dari 0 menjadi 20 poin: The curves are in cell 9 <plotly>", "diubah oleh pe"),
    ],
)
def test_an_override_shows_the_instructors_points_and_comment(lang: str, words: str, tag: str) -> None:
    assert len(render(lang=lang).find("span", **{"data-tag": "overridden"})) == 0
    for student_view in (False, True):
        page = render(result=_overridden_result(), lang=lang, student_view=student_view)
        loss = page.find("div", **{"data-item": "hcv.loss_plot"})[0]
        assert "pass" in loss["class"]  # the instructor gave every point
        text = page.text("items")
        assert words in text and len(page.find("span", **{"data-tag": "overridden"})) == 1
        assert f"{tag}" in text.replace(words, "")  # the tag's own words, beside the feedback
        assert page.text("score") == ("90 / 90" if student_view else "90 / 100")
    html = render_submission_html(_overridden_result(), None)
    assert "<plotly>" not in html and "&lt;plotly&gt;" in html  # the comment is text, never markup
