"""Legacy copy of ``grader/checks/configurations.py`` at 9f9e599 (see ``tests/checks/legacy``)."""

from __future__ import annotations

from typing import Any

from grader.models.evidence import Evidence, FitRecord

from .rows import assessed_rows, same_rows


def configuration(evidence: Evidence, fit: FitRecord) -> tuple[Any, ...]:
    """What distinguishes one training run from another: architecture, optimizer, fit settings."""
    model = evidence.models.get(fit.mid)
    compile_record = evidence.compile_for(fit.mid)
    layers = tuple((x.type, x.units, x.filters, x.activation, x.rate) for x in model.layers) if model else ()
    params = tuple(
        sorted((k, str(v)) for k, v in (model.params if model else {}).items() if k not in ("random_state", "verbose"))
    )
    optimizer = (compile_record.optimizer, compile_record.learning_rate) if compile_record else None
    return (layers, params, optimizer, fit.epochs, fit.batch_size)


def configurations_judged_on_test(evidence: Evidence) -> set[tuple[Any, ...]]:
    """Configurations whose trained models were evaluated on the test rows.  One is the final
    model's honest report; two or more means the test set was used to choose between them."""
    test = evidence.roles.test
    if test is None:
        return set()
    return {
        configuration(evidence, fit)
        for fit in evidence.fits
        if any(same_rows(rows, test) for rows in assessed_rows(evidence, fit.mid))
    }
