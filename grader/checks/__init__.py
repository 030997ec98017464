"""Checks stage: pure functions ``check(evidence, params) -> CheckResult`` registered by kind."""

from __future__ import annotations

from . import architecture, data, integrity, measured, outputs, plots, runs, training  # noqa: F401 - registers
from .registry import REGISTRY, CheckSpec, Params, param_models, register, run_check

__all__ = ["REGISTRY", "CheckSpec", "Params", "param_models", "register", "run_check"]
