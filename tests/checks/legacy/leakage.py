"""Legacy copy of ``grader/checks/leakage.py`` at 9f9e599 (see ``tests/checks/legacy``)."""

from __future__ import annotations

from typing import Any

from grader.checks import causes
from grader.checks.absence import absent
from grader.checks.registry import Params
from grader.models.cells import cell_ref
from grader.models.evidence import AllRowsStatistic, Evidence
from grader.models.results import CheckResult, Message

from .configurations import configurations_judged_on_test

MESSAGES: tuple[str, ...] = (
    "leakage.ok",
    "leakage.cannot_tell",
    "leakage.preprocessing",
    "leakage.test_as_validation",
    "leakage.test_chooses_model",
    "leakage.ok_no_preprocessing",
    "absent.no_training",
    *causes.MESSAGES,
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


def check_leakage(evidence: Evidence, params: LeakageParams) -> CheckResult:
    """No preprocessing learned from validation/test rows; validation data is not the test set."""
    roles = evidence.roles
    if roles.train is None or roles.test is None:
        # no verdict without both sides; say why they are missing when the run shows it
        why = causes.absence_causes(evidence, calls=("fit", "evaluate", "predict"), source=causes.FIT_SOURCE)
        return absent(evidence, "predict", CheckResult.not_judged(Message("leakage.cannot_tell"), *why))
    # every leak named, the advice given once
    problems = [Message("leakage.preprocessing", {"detail": "; ".join(roles.leaks)})] if roles.leaks else []
    problems += [_all_rows_message(evidence, found) for found in roles.scaled_with_all_rows]
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
    if not (roles.final_mid and evidence.fits_for(roles.final_mid)):
        # the roles come from the splits alone: no model learned anything a leak could reach
        why = causes.absence_causes(evidence, calls=("fit", "partial_fit"), source=causes.FIT_SOURCE)
        return absent(evidence, "fit", CheckResult.not_judged(Message("absent.no_training"), *why, **facts))
    if not evidence.prep_fits:
        return CheckResult.ok(
            Message("leakage.ok_no_preprocessing", {"train": roles.train.n, "test": roles.test.n}), **facts
        )
    return CheckResult.ok(Message("leakage.ok", {"fits": len(evidence.prep_fits)}), **facts)


def _all_rows_message(evidence: Evidence, found: AllRowsStatistic) -> Message:
    """What hand-written scaling with statistics of all rows was seen, and where."""
    where = Message("leakage.before_split", {"cell": cell_ref(evidence, found.cell)}) if found.cell is not None else ""
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
