"""Model files the notebook saved: do they load, and do they predict like the final model?

Both are loaded and run by the re-evaluation worker (``grader.reeval``), never in this process."""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from ..models.evidence import DataRoles, Evidence, SavedModelCheck
from ..reeval.client import Reevaluator
from ..reeval.protocol import ModelFileError, PredictionError, ReevaluationFailed
from .lineage import Lineage
from .reevaluate import GRADER_FAILED, exported_file, find_test_data

MAX_SAVED_CHECKED = 6


def check_saved_models(
    evidence: Evidence,
    evidence_dir: str,
    roles: DataRoles,
    host_path: Callable[[str], str | None],
    models: Reevaluator,
    lineage: Lineage | None = None,
) -> tuple[SavedModelCheck, ...]:
    """Load each saved file (by its path on this machine) and compare it with the live model."""
    if not any(save.path for save in evidence.saves):
        return ()  # nothing saved: no need to load the final model and predict with it again
    inputs, live = _reference(evidence, evidence_dir, roles, models, lineage)
    checks: list[SavedModelCheck] = []
    seen: set[str] = set()
    for save in reversed(evidence.saves):
        if not save.path or save.path in seen or len(checks) >= MAX_SAVED_CHECKED:
            continue
        seen.add(save.path)
        local = host_path(save.path)
        if local is None or not os.path.exists(local):
            checks.append(_failed(save.path, save.format, "the file was not found after the run"))
            continue
        checks.append(_check_one(models, local, save.path, save.format, inputs, live))
    return tuple(reversed(checks))


def _check_one(
    models: Reevaluator, local: str, path: str, fmt: str | None, inputs: str | None, live: np.ndarray | None
) -> SavedModelCheck:
    name = os.path.basename(path)
    try:
        models.load(local)
    except ModelFileError as exc:
        return _failed(path, fmt, str(exc))
    except ReevaluationFailed as exc:
        return _failed(path, fmt, f"{GRADER_FAILED}: {exc}", judged=False)
    if inputs is None or live is None:
        return SavedModelCheck(path=name, format=fmt, loads=True, agreement=None)
    try:
        predicted = models.predict(local, inputs)
    except ReevaluationFailed as exc:
        return _failed(path, fmt, f"{GRADER_FAILED}: {exc}", judged=False)
    except (ModelFileError, PredictionError) as exc:
        return SavedModelCheck(
            path=name, format=fmt, loads=True, agreement=None, error=f"it loads but cannot predict: {exc}"
        )
    agreement = float(np.mean(predicted == live)) if predicted.shape == live.shape else 0.0
    return SavedModelCheck(path=name, format=fmt, loads=True, agreement=agreement)


def _failed(path: str, fmt: str | None, error: str, *, judged: bool = True) -> SavedModelCheck:
    return SavedModelCheck(
        path=os.path.basename(path), format=fmt, loads=False, agreement=None, error=error, judged=judged
    )


def _reference(
    evidence: Evidence, evidence_dir: str, roles: DataRoles, models: Reevaluator, lineage: Lineage | None
) -> tuple[str | None, np.ndarray | None]:
    """The test inputs' file and the final model's labels for them (what a saved file must match)."""
    if roles.final_mid is None or roles.test is None:
        return None, None
    data = find_test_data(evidence, evidence_dir, roles.test, roles.final_mid, lineage)
    path = exported_file(evidence, evidence_dir, roles.final_mid)
    if data is None or path is None:
        return None, None
    try:
        return data.x_file, models.predict(path, data.x_file)
    except (ModelFileError, PredictionError, ReevaluationFailed):
        return None, None
