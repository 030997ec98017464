"""``tuning``: at least N hyper-parameter configurations were trained and compared on
validation data."""

from __future__ import annotations

from typing import Any

from ..models.evidence import Evidence, FitRecord
from ..models.results import CheckResult, Message
from . import causes
from .absence import absent
from .configurations import Configurations
from .registry import Params, register

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


def _compared_on(configs: Configurations, fit: FitRecord) -> str | None:
    """Where a run was judged: "validation", "test", or None when it was not judged at all."""
    rows, test = configs.rows, configs.evidence.roles.test
    if fit.validation.mode == "split":
        return "validation"
    if fit.validation.mode == "data":
        return "test" if rows.same(fit.validation.x, test) else "validation"
    # the distinct row sets are enough: repeats change neither "none judged" nor "all on test"
    judged = [assessed for assessed in rows.assessed_distinct(fit.mid) if not rows.same(assessed, fit.x)]
    if not judged:
        return None
    return "test" if all(rows.same(assessed, test) for assessed in judged) else "validation"


@register("tuning", TuningParams)
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
    configs = Configurations(evidence)
    on_validation: set[tuple[Any, ...]] = set()
    on_test: set[tuple[Any, ...]] = set()
    for fit in healthy:
        where = _compared_on(configs, fit)
        if where == "validation":
            on_validation.add(configs.of(fit))
        elif where == "test":
            on_test.add(configs.of(fit))
    learned = {configs.of(fit) for fit in healthy}
    chosen_on_test = configs.judged_on_test_set() & learned
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
