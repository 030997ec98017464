"""Legacy copy of ``grader/checks/tuning.py`` at 9f9e599 (see ``tests/checks/legacy``)."""

from __future__ import annotations

from typing import Any

from grader.checks import causes
from grader.checks.absence import absent
from grader.checks.registry import Params
from grader.models.evidence import Evidence, FitRecord
from grader.models.results import CheckResult, Message

from .configurations import configuration, configurations_judged_on_test
from .rows import assessed_rows, same_rows

MESSAGES: tuple[str, ...] = (
    "tuning.ok",
    "tuning.search",
    "tuning.too_few",
    "tuning.on_test",
    "tuning.nan_runs",
    "absent.no_training",
    *causes.MESSAGES,
)
"""Catalogue codes this check emits."""


class TuningParams(Params):
    """Parameters of ``tuning``."""

    min_configs: int = 2
    """How many distinct hyper-parameter configurations must be trained and compared."""


def _compared_on(evidence: Evidence, fit: FitRecord) -> str | None:
    """Where a run was judged: "validation", "test", or None when it was not judged at all."""
    test = evidence.roles.test
    if fit.validation.mode == "split":
        return "validation"
    if fit.validation.mode == "data":
        return "test" if same_rows(fit.validation.x, test) else "validation"
    judged = [rows for rows in assessed_rows(evidence, fit.mid) if not same_rows(rows, fit.x)]
    if not judged:
        return None
    return "test" if all(same_rows(rows, test) for rows in judged) else "validation"


def check_tuning(evidence: Evidence, params: TuningParams) -> CheckResult:
    """At least N hyper-parameter configurations were trained and compared on validation data."""
    for search in evidence.searches:
        if search.n_candidates >= params.min_configs:
            return CheckResult.ok(
                Message("tuning.search", {"method": search.method, "count": search.n_candidates}),
                configurations=search.n_candidates,
                method=search.method,
            )
    if not evidence.fits and not evidence.searches:
        why = causes.absence_causes(evidence, calls=("fit", "partial_fit"), source=causes.FIT_SOURCE)
        if why:
            return absent(evidence, "fit", CheckResult.not_judged(Message("absent.no_training"), *why))
    # a run whose loss ended NaN learned nothing: it is not a setting that was compared
    nan_runs = [fit for fit in evidence.fits if causes.learned_nothing(fit)]
    healthy = [fit for fit in evidence.fits if not causes.learned_nothing(fit)]
    on_validation: set[tuple[Any, ...]] = set()
    on_test: set[tuple[Any, ...]] = set()
    for fit in healthy:
        where = _compared_on(evidence, fit)
        if where == "validation":
            on_validation.add(configuration(evidence, fit))
        elif where == "test":
            on_test.add(configuration(evidence, fit))
    learned = {configuration(evidence, fit) for fit in healthy}
    chosen_on_test = configurations_judged_on_test(evidence) & learned
    if len(chosen_on_test) >= 2:
        on_test |= chosen_on_test
        on_validation -= chosen_on_test
    facts: dict[str, Any] = {
        "configurations_on_validation": len(on_validation),
        "configurations_on_test": len(on_test),
        "fits": len(evidence.fits),
        "nan_runs": len(nan_runs),
    }
    nan_notes: tuple[Message, ...] = (Message("tuning.nan_runs", {"count": len(nan_runs)}),) if nan_runs else ()
    if nan_runs and not healthy:
        nan_notes += causes.nan_loss_messages(evidence, nan_runs[-1])
    if len(chosen_on_test) >= 2:
        return CheckResult.fail(Message("tuning.on_test", {"count": len(chosen_on_test)}), fraction=0.25, **facts)
    if len(on_validation) >= params.min_configs:
        return CheckResult.ok(Message("tuning.ok", {"count": len(on_validation)}), *nan_notes, **facts)
    if len(on_test) + len(on_validation) >= params.min_configs and on_test:
        return CheckResult.fail(Message("tuning.on_test", {"count": len(on_test)}), *nan_notes, fraction=0.25, **facts)
    too_few = CheckResult.fail(
        Message("tuning.too_few", {"count": len(on_validation), "expected": params.min_configs}),
        *nan_notes,
        fraction=0.5 if on_validation else 0.0,
        **facts,
    )
    return absent(evidence, "fit", too_few)
