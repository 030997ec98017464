"""``leakage``: no preprocessing was fitted on rows that end up in validation/test, and the
validation data given to fit is not the test set."""

from __future__ import annotations

from typing import Any

from ..models.evidence import AllRowsStatistic, Evidence
from ..models.results import CheckResult, Message
from .configurations import configurations_judged_on_test
from .registry import Params, register

MESSAGES: tuple[str, ...] = (
    "leakage.ok",
    "leakage.cannot_tell",
    "leakage.preprocessing",
    "leakage.test_as_validation",
    "leakage.test_chooses_model",
    "leakage.all_rows_standardised",
    "leakage.all_rows_min_max",
    "leakage.all_rows_max",
    "leakage.before_split",
    "role.test",
    "role.validation",
)
"""Catalogue codes this check emits."""


class LeakageParams(Params):
    """Parameters of ``leakage``."""

    validation_not_test: bool = True
    """Fail when the test set was also the validation data given to fit."""
    no_model_choice_on_test: bool = False
    """Fail when two or more trained configurations were evaluated on the test set (the test set
    helped choose the model). Off by default: exercises that compare two architectures on the
    test set (MLP vs CNN) do so on purpose."""


@register("leakage", LeakageParams)
def check_leakage(evidence: Evidence, params: LeakageParams) -> CheckResult:
    """No preprocessing learned from validation/test rows; validation data is not the test set."""
    roles = evidence.roles
    if roles.train is None or roles.test is None:
        return CheckResult.fail(Message("leakage.cannot_tell"))
    # every leak named, the advice given once
    problems = [Message("leakage.preprocessing", {"detail": "; ".join(roles.leaks)})] if roles.leaks else []
    problems += [_all_rows_message(found) for found in roles.scaled_with_all_rows]
    if params.validation_not_test and roles.test_is_validation:
        problems.append(Message("leakage.test_as_validation"))
    chosen_on_test = len(configurations_judged_on_test(evidence))
    if params.no_model_choice_on_test and chosen_on_test >= 2:
        problems.append(Message("leakage.test_chooses_model", {"count": chosen_on_test}))
    facts: dict[str, Any] = {
        "leaks": list(roles.leaks),
        "test_is_validation": roles.test_is_validation,
        "preprocessing_fits": len(evidence.prep_fits),
        "scaled_with_all_rows": [
            {"statistic": f.statistic, "columns": f.columns, "rows": f.rows, "cell": f.cell}
            for f in roles.scaled_with_all_rows
        ],
    }
    if problems:
        return CheckResult.fail(*problems, **facts)
    return CheckResult.ok(Message("leakage.ok", {"fits": len(evidence.prep_fits)}), **facts)


def _all_rows_message(found: AllRowsStatistic) -> Message:
    """What hand-written scaling with statistics of all rows was seen, and where."""
    where = Message("leakage.before_split", {"cell": found.cell}) if found.cell is not None else ""
    return Message(
        f"leakage.all_rows_{found.statistic}",
        {
            "columns": found.columns,
            "checked": found.checked,
            "rows": found.rows,
            "held_out": found.held_out,
            "role": Message(f"role.{found.role}"),
            "where": where,
        },
    )
