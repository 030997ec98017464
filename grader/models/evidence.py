"""What a notebook did, as typed, frozen records.

The probe writes raw events (``events.jsonl`` plus ``.npy`` side files); ``grader.evidence``
turns them into these records.  Checks read nothing else.  The call records live in
``records.py`` and the figure records in ``figures.py``; all are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .environment import EnvironmentGap
from .execution import CellRun
from .figures import AxesRecord, FigureRecord, GridRecord, LineRecord
from .records import (
    CallErrorRecord,
    CompileRecord,
    EvaluateRecord,
    ExportRecord,
    FitRecord,
    LayerRecord,
    MetricCallRecord,
    ModelRecord,
    PredictRecord,
    PrepFitRecord,
    Rows,
    SaveRecord,
    SearchRecord,
    SplitPart,
    SplitRecord,
    TransformRecord,
    ValidationRecord,
)
from .statistics import AllRowsStatistic, ColumnStats

__all__ = [
    "EVIDENCE_SCHEMA",
    "AllRowsStatistic",
    "AxesRecord",
    "CallErrorRecord",
    "CellOutput",
    "ClaimRecord",
    "ColumnStats",
    "CompileRecord",
    "DataRoles",
    "EnvironmentGap",
    "EvaluateRecord",
    "Evidence",
    "ExportRecord",
    "FigureRecord",
    "FitRecord",
    "GridRecord",
    "InstructorTestOutcome",
    "LayerRecord",
    "LineRecord",
    "Measurement",
    "MetricCallRecord",
    "ModelRecord",
    "NoteRecord",
    "PredictRecord",
    "PrepFitRecord",
    "Rows",
    "SaveRecord",
    "SavedModelCheck",
    "SearchRecord",
    "SplitPart",
    "SplitRecord",
    "TransformRecord",
    "ValidationRecord",
]

EVIDENCE_SCHEMA = 2


@dataclass(frozen=True)
class NoteRecord:
    """Something done on the student's behalf, or a probe problem, for the report."""

    seq: int
    cell: int
    code: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class ClaimRecord:
    """A number the notebook printed about a metric ("accuracy: 0.97")."""

    cell: int
    metric: Literal["accuracy", "loss", "f1"]
    value: float
    qualifier: Literal["test", "validation", "train", "unknown"]
    text: str


@dataclass(frozen=True)
class CellOutput:
    """What a cell showed: printed text and how many images."""

    index: int
    text: str
    images: int
    source: str


@dataclass(frozen=True)
class ReevaluatedIn:
    """The process that loaded the models again and predicted with them (``grader.reeval``):
    its interpreter, its prefix (the grading environment's folder) and its packages' versions."""

    executable: str
    prefix: str
    packages: tuple[tuple[str, str], ...]

    def versions(self) -> dict[str, str]:
        """Package name -> version (``python`` too)."""
        return dict(self.packages)


@dataclass(frozen=True)
class Measurement:
    """The grader's own evaluation of a model on data the notebook used."""

    mid: str
    role: str
    """"test" or "validation": which set the rows were judged to be."""
    n: int
    accuracy: float
    macro_f1: float
    confusion: tuple[tuple[int, ...], ...]
    labels: tuple[str, ...]
    predicted_classes: int
    majority_accuracy: float
    """Accuracy of always answering the most common true class on these rows."""
    source: str
    """Which notebook call supplied the rows and labels."""


@dataclass(frozen=True)
class SavedModelCheck:
    """A model file the notebook saved, loaded back by the grader."""

    path: str
    format: str | None
    loads: bool
    agreement: float | None
    """Fraction of test rows where the file and the final live model predict the same class."""
    error: str | None = None
    judged: bool = True
    """False when the grader's own re-evaluation failed (not the file): a person should look."""


@dataclass(frozen=True)
class InstructorTestOutcome:
    """What running one instructor test file (``test_*`` functions) against the evidence gave."""

    file: str
    """The file as the rubric names it (absolute once the rubric is loaded)."""
    tests: tuple[str, ...] = ()
    """Names of the ``test_*`` functions that were run."""
    failures: tuple[str, ...] = ()
    """One line per failed test: ``name: message``."""
    load_error: str | None = None
    """``ExceptionType: message`` when importing the file raised; then no test ran."""
    missing: bool = False
    """True when there was no such Python file."""


@dataclass(frozen=True)
class DataRoles:
    """Which rows the final model trained on, validated on and was tested on."""

    final_mid: str | None
    train: Rows | None = None
    validation: Rows | None = None
    validation_mode: str = "none"
    validation_fraction: float | None = None
    test: Rows | None = None
    test_source: str | None = None
    overlaps: dict[str, int] = field(default_factory=dict)
    """Rows shared between sets (train_test, train_validation, validation_test), duplicates excluded."""
    test_is_validation: bool = False
    leaks: tuple[str, ...] = ()
    """Preprocessing fits that saw validation or test rows, described in words."""
    total_rows: int | None = None
    """Rows in the data before any split (when a split was seen)."""
    spare: Rows | None = None
    """A part the splits set aside that was never used (e.g. a validation set nobody evaluated on)."""
    scaled_with_all_rows: tuple[AllRowsStatistic, ...] = ()
    """Hand-written scaling with statistics of all rows, seen in the column statistics."""


@dataclass(frozen=True, eq=False)
class Evidence:
    """Everything learned about one run of one notebook."""

    schema: int
    status: str
    reason: str | None
    cells: tuple[CellRun, ...]
    outputs: tuple[CellOutput, ...] = ()
    markdown: tuple[str, ...] = ()
    """The text of the notebook's markdown cells (explanations are graded too)."""
    splits: tuple[SplitRecord, ...] = ()
    prep_fits: tuple[PrepFitRecord, ...] = ()
    transforms: tuple[TransformRecord, ...] = ()
    models: dict[str, ModelRecord] = field(default_factory=dict)
    compiles: tuple[CompileRecord, ...] = ()
    fits: tuple[FitRecord, ...] = ()
    evaluations: tuple[EvaluateRecord, ...] = ()
    predictions: tuple[PredictRecord, ...] = ()
    metric_calls: tuple[MetricCallRecord, ...] = ()
    saves: tuple[SaveRecord, ...] = ()
    exports: tuple[ExportRecord, ...] = ()
    searches: tuple[SearchRecord, ...] = ()
    call_errors: tuple[CallErrorRecord, ...] = ()
    """Hooked calls that raised (a fit on data with NaN, a compile with a bad argument)."""
    figures: tuple[FigureRecord, ...] = ()
    notes: tuple[NoteRecord, ...] = ()
    claims: tuple[ClaimRecord, ...] = ()
    tampered: tuple[str, ...] = ()
    altered: tuple[str, ...] = ()
    """Training results (a History, ``loss_curve_``) the notebook changed after training."""
    probe_ok: bool = True
    """False when the probe never started or its final report is missing."""
    roles: DataRoles = field(default_factory=lambda: DataRoles(final_mid=None))
    measurements: tuple[Measurement, ...] = ()
    reevaluation_problem: str | None = None
    """Why the grader could not measure the final model itself, in words."""
    reevaluated_in: ReevaluatedIn | None = None
    """The process the models were loaded again in (None: no model was loaded)."""
    saved_models: tuple[SavedModelCheck, ...] = ()
    instructor_tests: dict[str, InstructorTestOutcome] = field(default_factory=dict)
    """Outcome per instructor test file, keyed by ``str(Path(file))``; filled by the evidence stage."""
    environment_gaps: tuple[EnvironmentGap, ...] = ()
    """Cell errors caused by the grading environment (a missing package, a removed API, a Colab-only
    feature), with the cells that failed because of each; filled by the evidence stage."""
    disk_full_mb: int | None = None
    """The disk quota (MB) the notebook filled during the run; None: it did not fill it."""

    def compile_for(self, mid: str) -> CompileRecord | None:
        """The last compile of a model."""
        found = [c for c in self.compiles if c.mid == mid]
        return found[-1] if found else None

    def fits_for(self, mid: str) -> tuple[FitRecord, ...]:
        """Every fit of a model, in order."""
        return tuple(f for f in self.fits if f.mid == mid)

    def measurement(self, role: str = "test") -> Measurement | None:
        """The grader's measurement of the final model on one role's rows."""
        for m in self.measurements:
            if m.role == role:
                return m
        return None

    @property
    def kernel_died(self) -> bool:
        """True when the run ended with a dead kernel or a killed one."""
        return self.status in ("kernel_died", "timeout") and any(c.status == "not_run" for c in self.cells)
