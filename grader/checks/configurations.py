"""Hyper-parameter configurations of training runs, and which were judged on the test rows
(shared by ``tuning`` and ``leakage``)."""

from __future__ import annotations

from typing import Any

from ..models.evidence import CompileRecord, Evidence, FitRecord
from .rows import RowsIndex


class Configurations:
    """Configurations of one evidence's training runs, each model's part computed once.

    A notebook that trains many models (or refits one model many times) has as many runs as
    configurations: looking up each run's compile and judged rows afresh is quadratic in them.
    """

    def __init__(self, evidence: Evidence, rows: RowsIndex | None = None) -> None:
        self.evidence = evidence
        self.rows = rows or RowsIndex(evidence)
        self._compiles: dict[str, CompileRecord] = {}
        for record in evidence.compiles:  # the last compile of each model, as ``compile_for``
            self._compiles[record.mid] = record
        self._models: dict[str, tuple[Any, ...]] = {}
        self._on_test: dict[str, bool] = {}

    def _model_part(self, mid: str) -> tuple[Any, ...]:
        found = self._models.get(mid)
        if found is None:
            model = self.evidence.models.get(mid)
            compile_record = self._compiles.get(mid)
            layers = tuple((x.type, x.units, x.filters, x.activation, x.rate) for x in model.layers) if model else ()
            params = tuple(
                sorted(
                    (k, str(v))
                    for k, v in (model.params if model else {}).items()
                    if k not in ("random_state", "verbose")
                )
            )
            optimizer = (compile_record.optimizer, compile_record.learning_rate) if compile_record else None
            found = self._models[mid] = (layers, params, optimizer)
        return found

    def of(self, fit: FitRecord) -> tuple[Any, ...]:
        """What distinguishes one training run from another: architecture, optimizer, fit settings."""
        return (*self._model_part(fit.mid), fit.epochs, fit.batch_size)

    def judged_on_test(self, mid: str) -> bool:
        """Whether the model was evaluated or predicted on the test rows."""
        found = self._on_test.get(mid)
        if found is None:
            test = self.evidence.roles.test
            found = self._on_test[mid] = any(self.rows.same(rows, test) for rows in self.rows.assessed_distinct(mid))
        return found

    def judged_on_test_set(self) -> set[tuple[Any, ...]]:
        """Configurations whose trained models were evaluated on the test rows.  One is the final
        model's honest report; two or more means the test set was used to choose between them."""
        if self.evidence.roles.test is None:
            return set()
        return {self.of(fit) for fit in self.evidence.fits if self.judged_on_test(fit.mid)}


def configuration(evidence: Evidence, fit: FitRecord) -> tuple[Any, ...]:
    """What distinguishes one training run from another: architecture, optimizer, fit settings."""
    return Configurations(evidence).of(fit)


def configurations_judged_on_test(evidence: Evidence) -> set[tuple[Any, ...]]:
    """Configurations whose trained models were evaluated on the test rows.  One is the final
    model's honest report; two or more means the test set was used to choose between them."""
    return Configurations(evidence).judged_on_test_set()
