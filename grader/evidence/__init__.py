"""Evidence stage: from a finished run to what the notebook did, measured by the grader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..models.evidence import Evidence
from ..models.execution import ExecutionOutcome
from .claims import parse_claims
from .environment import find_environment_gaps
from .loader import load_evidence
from .loops import with_epoch_losses
from .reevaluate import reevaluate
from .roles import analyse_roles
from .saved import check_saved_models

__all__ = ["build_evidence"]


def build_evidence(outcome: ExecutionOutcome, host_path: Callable[[str], str | None] = lambda p: p) -> Evidence:
    """Load the probe's records, work out data roles, parse claims, re-evaluate the model and
    tell which cell errors the grading environment caused.

    ``host_path`` maps a path seen inside the sandbox to the same file on this machine.
    """
    evidence = with_epoch_losses(load_evidence(outcome))
    roles = analyse_roles(evidence)
    measurements, problem = reevaluate(evidence, outcome.evidence_dir, roles)
    saved = check_saved_models(evidence, outcome.evidence_dir, roles, host_path)
    return replace(
        evidence,
        roles=roles,
        claims=parse_claims(evidence.outputs),
        measurements=measurements,
        reevaluation_problem=problem,
        saved_models=saved,
        environment_gaps=find_environment_gaps(evidence.cells, evidence.outputs),
    )
