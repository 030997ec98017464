"""Hand-made results and evidence for report tests: no kernel, no notebook."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.models.evidence import (
    CellOutput,
    DataRoles,
    Evidence,
    FitRecord,
    LayerRecord,
    Measurement,
    ModelRecord,
    NoteRecord,
    Rows,
    SavedModelCheck,
    ValidationRecord,
)
from grader.models.execution import CellRun
from grader.models.results import CellResult, ItemResult, Message, Result

HIDDEN_TITLE = "Printed claims match the grader's measurement"
LOSS_FEEDBACK = (
    "No figure shows the validation loss. Plot history.history['val_loss'] next to "
    "the training loss so that over-fitting is visible; label both lines."
)


def rows(n: int, name: str = "x", kind: str = "features") -> Rows:
    """Rows of ``n`` samples with dummy fingerprints."""
    return Rows(
        id=name,
        n=n,
        shape=(n, 12),
        dtype="float64",
        kind=kind,  # type: ignore[arg-type]
        exact=np.arange(n, dtype=np.uint64),
        shape_fp=np.arange(n, dtype=np.uint64),
    )


def item(
    item_id: str,
    *,
    passed: bool = True,
    points: float | None = None,
    max_points: float = 10.0,
    title: str | None = None,
    feedback: str = "",
    visibility: str = "visible",
    required: bool = True,
    check: str = "runs",
    evidence: dict[str, Any] | None = None,
) -> ItemResult:
    """One scored item; full points when passed, none when failed, unless ``points`` says."""
    earned = points if points is not None else (max_points if passed else 0.0)
    return ItemResult(
        id=item_id,
        check=check,
        title=Message.words(title or item_id),
        points=earned,
        max_points=max_points,
        passed=passed,
        messages=(Message.words(feedback),) if feedback else (),
        evidence=evidence or {},
        visibility=visibility,  # type: ignore[arg-type]
        required=required,
    )


def hcv_items() -> tuple[ItemResult, ...]:
    """Five items, 70 of 100 points: one failed visible item, one failed hidden item (10)."""
    return (
        item(
            "hcv.split",
            check="split",
            title="Train/validation/test split",
            max_points=20,
            feedback="Found 400 / 100 / 115 rows, disjoint.",
            evidence={"train": 400, "validation": 100, "test": 115},
        ),
        item(
            "hcv.architecture",
            check="architecture",
            title="Dense network with softmax output",
            max_points=20,
            feedback="2 Dense layers, softmax output.",
        ),
        item(
            "hcv.loss_plot", check="loss_plot", title="Loss curves", passed=False, max_points=20, feedback=LOSS_FEEDBACK
        ),
        item(
            "hcv.metric",
            check="metric",
            title="Test accuracy ≥ 0.85",
            max_points=30,
            feedback="The grader measured 93% accuracy.",
        ),
        item(
            "hcv.integrity",
            check="integrity",
            title=HIDDEN_TITLE,
            passed=False,
            max_points=10,
            visibility="hidden",
            required=False,
            feedback="The notebook printed accuracy 0.99; the grader measured 0.93.",
        ),
    )


def make_result(
    items: tuple[ItemResult, ...] | None = None,
    *,
    status: str = "graded",
    student: str | None = "2201001",
    submission: str = "hw2/2201001_hcv.ipynb",
    rubric: str = "hcv",
    cells: tuple[CellResult, ...] = (),
    reason: str | None = None,
    notes: tuple[str, ...] = (),
    rubric_title: str | None = None,
) -> Result:
    """A result whose totals are the sums of its items."""
    items = hcv_items() if items is None else items
    return Result(
        submission=submission,
        student=student,
        rubric=rubric,
        status=status,
        score=sum(i.points for i in items),  # type: ignore[arg-type]
        max_score=sum(i.max_points for i in items),
        duration_s=41.25,
        items=items,
        cells=cells,
        reason=reason,
        notes=tuple(Message.words(n) for n in notes),
        rubric_title=Message.words(rubric_title) if rubric_title else None,
    )


CONFUSION = ((40, 2, 0, 0, 0), (1, 20, 1, 0, 0), (0, 1, 18, 1, 0), (0, 0, 1, 15, 0), (0, 0, 0, 1, 13))
LABELS = ("Blood Donor", "Hepatitis", "Fibrosis", "Cirrhosis", "Suspect Donor")


def keras_model() -> ModelRecord:
    """A small Keras network: 12 -> 16 relu -> dropout -> 5 softmax (293 parameters)."""
    layers = (
        LayerRecord(type="Dense", units=16, activation="relu", params=208),
        LayerRecord(type="Dropout", rate=0.2, params=0),
        LayerRecord(type="Dense", units=5, activation="softmax", params=85),
    )
    return ModelRecord(
        seq=3,
        cell=6,
        mid="m1",
        framework="keras",
        cls="Sequential",
        layers=layers,
        param_count=293,
        trainable_params=293,
    )


def loss_fit(mid: str = "m1", epochs: int = 12) -> FitRecord:
    """A fit whose training and validation losses fall."""
    loss = tuple(1.6 * 0.8**e for e in range(epochs))
    val = tuple(1.7 * 0.83**e + 0.02 for e in range(epochs))
    return FitRecord(
        seq=4,
        cell=7,
        mid=mid,
        framework="keras",
        x=rows(400),
        y=rows(400, "y"),
        epochs=epochs,
        epochs_run=epochs,
        batch_size=32,
        validation=ValidationRecord(mode="data"),
        history={"loss": loss, "val_loss": val},
        seconds=3.2,
    )


def measurement(role: str = "test") -> Measurement:
    """The grader's own measurement: 93% accuracy against an 87% majority baseline."""
    return Measurement(
        mid="m1",
        role=role,
        n=115,
        accuracy=0.93,
        macro_f1=0.8123,
        confusion=CONFUSION,
        labels=LABELS,
        predicted_classes=5,
        majority_accuracy=0.87,
        source="model.evaluate(X_test, y_test)",
    )


def make_evidence(*, status: str = "completed", cells: tuple[CellRun, ...] = (), **overrides: Any) -> Evidence:
    """Full evidence of a good HCV run; keyword arguments replace fields."""
    fields: dict[str, Any] = dict(
        schema=1,
        status=status,
        reason=None,
        cells=cells,
        outputs=(
            CellOutput(index=5, text="", images=0, source="\n# evaluate\nscore = model.evaluate(X_tset, y_test)\n"),
        ),
        models={"m1": keras_model()},
        fits=(loss_fit(),),
        notes=(NoteRecord(seq=1, cell=1, code="pip.skipped", detail={"line": "!pip install x"}),),
        roles=DataRoles(
            final_mid="m1",
            train=rows(400),
            validation=rows(100),
            validation_mode="data",
            test=rows(115),
            total_rows=615,
        ),
        measurements=(measurement("test"), measurement("validation")),
        saved_models=(SavedModelCheck(path="/work/out/model.keras", format="keras", loads=True, agreement=1.0),),
    )
    fields.update(overrides)
    return Evidence(**fields)


def failing_cells() -> tuple[CellResult, ...]:
    """Cell 5 raised a NameError with a traceback; cells 8 and 9 never ran."""
    return (
        CellResult(index=3, status="ok"),
        CellResult(
            index=5,
            status="error",
            error="NameError: name 'X_tset' is not defined\nTraceback (most recent "
            'call last):\n  File "<cell>", line 2',
        ),
        CellResult(index=8, status="not_run"),
        CellResult(index=9, status="not_run"),
    )
