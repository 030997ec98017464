"""``split``: train/validation/test sets exist with the rubric's sizes or ratios, disjoint rows,
stratified if asked."""

from __future__ import annotations

from typing import Any

from ..models.evidence import Evidence, Rows
from ..models.results import CheckResult, Message
from . import causes
from .absence import absent
from .registry import Params, register

MESSAGES: tuple[str, ...] = (
    "split.ok",
    "split.no_training",
    "split.no_test",
    "split.no_validation",
    "split.test_is_validation",
    "split.validation_split_not_allowed",
    "split.validation_unused",
    "split.wrong_ratio",
    "split.wrong_size",
    "split.overlap",
    "split.not_stratified",
    "role.train",
    "role.validation",
    "role.test",
    "absent.no_training",
    *causes.MESSAGES,
)
"""Catalogue codes this check emits (``role.*`` inside ``split.wrong_ratio``/``split.wrong_size``)."""

ROLES = ("train", "validation", "test")


class SplitParams(Params):
    """Parameters of ``split``."""

    ratios: dict[str, float] | None = None
    """Expected share of all rows per role, e.g. {train: 0.7, validation: 0.15, test: 0.15}."""
    sizes: dict[str, int] | None = None
    """Exact row counts per role, e.g. {train: 108, validation: 27, test: 15}."""
    tolerance: float = 0.03
    """Allowed absolute difference of each share from ``ratios``."""
    require_validation: bool = True
    allow_validation_split: bool = True
    """Whether Keras' ``validation_split`` (or scikit-learn's early-stopping split) counts."""
    stratified: bool = False
    disjoint: bool = True


def _sizes(evidence: Evidence) -> dict[str, int | None]:
    roles = evidence.roles
    validation = roles.validation or roles.spare
    return {
        "train": roles.train.n if roles.train else None,
        "validation": validation.n if validation else None,
        "test": roles.test.n if roles.test else None,
    }


@register("split", SplitParams)
def check_split(evidence: Evidence, params: SplitParams) -> CheckResult:
    """Train/validation/test sets exist with the expected sizes, disjoint, stratified if asked."""
    roles = evidence.roles
    sizes = _sizes(evidence)
    facts: dict[str, Any] = {
        "sizes": sizes,
        "validation_mode": roles.validation_mode,
        "total_rows": roles.total_rows,
    }
    if roles.train is None:
        why = causes.absence_causes(evidence, calls=("fit", "partial_fit"), source=causes.FIT_SOURCE)
        verdict = (
            CheckResult.not_judged(Message("absent.no_training"), *why, **facts)
            if why
            else CheckResult.fail(Message("split.no_training"), **facts)
        )  # a crash, not a missing split: no verdict on the split
        return absent(evidence, "fit", verdict)
    if roles.test is None:
        why = causes.absence_causes(evidence, calls=("evaluate", "predict"), source=causes.ASSESS_SOURCE)
        return CheckResult.fail(Message("split.no_test", {"train": sizes["train"]}), *why, fraction=0.25, **facts)
    problems: list[Message] = []
    has_validation = (roles.validation or roles.spare) is not None or (
        params.allow_validation_split and roles.validation_mode == "internal"
    )
    notes = []
    if roles.validation is None and roles.spare is not None:
        notes.append(Message("split.validation_unused", {"n": roles.spare.n}))
    if roles.test_is_validation:
        problems.append(Message("split.test_is_validation", {"test": sizes["test"]}))
    elif params.require_validation and not has_validation:
        problems.append(Message("split.no_validation", {"train": sizes["train"], "test": sizes["test"]}))
    elif roles.validation_mode in ("split", "internal") and not params.allow_validation_split:
        problems.append(Message("split.validation_split_not_allowed"))
    total = roles.total_rows or sum(v for v in sizes.values() if v) or 1
    if params.ratios:
        for role, expected in params.ratios.items():
            n = sizes.get(role)
            share = (n or 0) / total
            facts[f"{role}_share"] = round(share, 4)
            if n is not None and abs(share - expected) > params.tolerance:
                problems.append(
                    Message(
                        "split.wrong_ratio",
                        {"role": Message(f"role.{role}"), "share": share, "expected": expected, "n": n, "total": total},
                    )
                )
    if params.sizes:
        for role, expected_n in params.sizes.items():
            n = sizes.get(role)
            if n != expected_n:
                problems.append(
                    Message(
                        "split.wrong_size",
                        {"role": Message(f"role.{role}"), "n": n if n is not None else 0, "expected": expected_n},
                    )
                )
    if params.disjoint:
        shared = {
            k: v for k, v in roles.overlaps.items() if v and not (k == "validation_test" and roles.test_is_validation)
        }
        if shared:
            name, count = max(shared.items(), key=lambda kv: kv[1])
            problems.append(Message("split.overlap", {"sets": name.replace("_", " / "), "count": count}))
    if params.stratified and not _stratified(evidence):
        problems.append(Message("split.not_stratified"))
    if problems:
        return CheckResult.fail(*problems, *notes, fraction=0.5 if len(problems) == 1 else 0.25, **facts)
    return CheckResult.ok(
        Message("split.ok", {"train": sizes["train"], "validation": sizes["validation"] or "-", "test": sizes["test"]}),
        *notes,
        **facts,
    )


def _class_counts(rows: Rows | None) -> dict[str, int] | None:
    return dict(rows.classes) if rows is not None and rows.classes else None


def _stratified(evidence: Evidence) -> bool:
    """A stratified split call, or class proportions within one row of exact stratification."""
    if any(s.stratify for s in evidence.splits if not s.predefined):
        return True
    fit = next((f for f in reversed(evidence.fits) if f.mid == evidence.roles.final_mid), None)
    measured = evidence.measurement("test")
    train = _class_counts(fit.y) if fit else None
    if train is None or measured is None:
        return False
    test = {label: sum(row) for label, row in zip(measured.labels, measured.confusion, strict=True)}
    n_train, n_test = sum(train.values()), sum(test.values())
    for label in set(train) | set(test):
        share = train.get(label, 0) / n_train
        if abs(test.get(label, 0) - share * n_test) > 1.0 + 0.02 * n_test:
            return False
    return True
