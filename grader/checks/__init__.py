"""Checks stage: pure functions ``check(evidence, params) -> CheckResult`` registered by kind.

One module per kind (``grader/checks/<kind>.py``); importing them registers them.
"""

from __future__ import annotations

from . import (  # noqa: F401 - registers every kind
    architecture,
    compile,
    confusion_matrix,
    figure,
    integrity,
    leakage,
    loss_plot,
    metric,
    output,
    runs,
    saved_model,
    split,
    test,
    training,
    tuning,
)
from .registry import REGISTRY, CheckSpec, Params, param_models, register, run_check

__all__ = ["REGISTRY", "CheckSpec", "Params", "param_models", "register", "run_check"]
