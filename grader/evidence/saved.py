"""Model files the notebook saved: do they load, and do they predict like the final model?"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from ..models.evidence import DataRoles, Evidence, SavedModelCheck
from .model_files import ModelFileError, load_predictor
from .reevaluate import exported_file, find_test_data

MAX_SAVED_CHECKED = 6


def check_saved_models(
    evidence: Evidence, evidence_dir: str, roles: DataRoles, host_path: Callable[[str], str | None]
) -> tuple[SavedModelCheck, ...]:
    """Load each saved file (by its path on this machine) and compare it with the live model."""
    if not any(save.path for save in evidence.saves):
        return ()  # nothing saved: no need to load the final model and predict with it again
    reference_x, live = _reference(evidence, evidence_dir, roles)
    checks: list[SavedModelCheck] = []
    seen: set[str] = set()
    for save in reversed(evidence.saves):
        if not save.path or save.path in seen or len(checks) >= MAX_SAVED_CHECKED:
            continue
        seen.add(save.path)
        local = host_path(save.path)
        name = os.path.basename(save.path)
        if local is None or not os.path.exists(local):
            checks.append(
                SavedModelCheck(
                    path=name,
                    format=save.format,
                    loads=False,
                    agreement=None,
                    error="the file was not found after the run",
                )
            )
            continue
        try:
            predict = load_predictor(local)
        except ModelFileError as exc:
            checks.append(SavedModelCheck(path=name, format=save.format, loads=False, agreement=None, error=str(exc)))
            continue
        agreement = None
        if reference_x is not None and live is not None:
            try:
                agreement = float(np.mean(predict(reference_x) == live))
            except Exception as exc:
                checks.append(
                    SavedModelCheck(
                        path=name,
                        format=save.format,
                        loads=True,
                        agreement=None,
                        error=f"it loads but cannot predict: {type(exc).__name__}",
                    )
                )
                continue
        checks.append(SavedModelCheck(path=name, format=save.format, loads=True, agreement=agreement))
    return tuple(reversed(checks))


def _reference(evidence: Evidence, evidence_dir: str, roles: DataRoles):
    if roles.final_mid is None or roles.test is None:
        return None, None
    data = find_test_data(evidence, evidence_dir, roles.test, roles.final_mid)
    path = exported_file(evidence, evidence_dir, roles.final_mid)
    if data is None or path is None:
        return None, None
    try:
        return data.x, load_predictor(path)(data.x)
    except (ModelFileError, Exception):
        return None, None
