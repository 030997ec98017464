"""Evidence stage: from a finished run to what the notebook did, measured by the grader."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

from ..models.evidence import Evidence, ReevaluatedIn
from ..models.execution import ExecutionOutcome
from ..reeval.client import Reevaluator
from ..reeval.protocol import ReevaluationFailed
from .claims import parse_claims
from .environment import find_environment_gaps
from .lineage import Lineage
from .loader import load_evidence
from .loops import with_epoch_losses
from .reevaluate import reevaluate
from .roles import analyse_roles
from .saved import check_saved_models

__all__ = ["build_evidence"]


def build_evidence(
    outcome: ExecutionOutcome,
    host_path: Callable[[str], str | None] = lambda p: p,
    models: Reevaluator | None = None,
) -> Evidence:
    """Load the probe's records, work out data roles, parse claims, re-evaluate the model and
    tell which cell errors the grading environment caused.

    ``host_path`` maps a path seen inside the sandbox to the same file on this machine.
    ``models`` loads and runs the saved models: a worker process of the grading environment (the
    caller's, kept open by it); without one, a worker of the grader's own interpreter, closed here.
    """
    evidence = with_epoch_losses(load_evidence(outcome))
    own = models is None
    worker = Reevaluator() if models is None else models
    try:
        formats = model_formats(evidence)
        if formats:
            worker.warm(formats)  # its imports overlap the data roles worked out next
        lineage = Lineage(evidence)  # every row traced once, for all the stages below
        roles = analyse_roles(evidence, lineage)
        measurements, problem = reevaluate(evidence, outcome.evidence_dir, roles, worker, lineage)
        saved = check_saved_models(evidence, outcome.evidence_dir, roles, host_path, worker, lineage)
        where = reevaluated_in(worker)
    finally:
        if own:
            worker.close()
    return replace(
        evidence,
        roles=roles,
        claims=parse_claims(evidence.outputs),
        measurements=measurements,
        reevaluation_problem=problem,
        reevaluated_in=where,
        saved_models=saved,
        environment_gaps=find_environment_gaps(evidence.cells, evidence.outputs),
    )


def model_formats(evidence: Evidence) -> list[str]:
    """The file types of the models the worker will load (the exported final model, saved files)."""
    paths = [e.file for e in evidence.exports if e.file] + [s.path for s in evidence.saves if s.path]
    return sorted({os.path.splitext(p)[1].lower() for p in paths if p})


def reevaluated_in(worker: Reevaluator) -> ReevaluatedIn | None:
    """What the worker said about itself, when it was started."""
    if not worker.started:
        return None
    try:
        about = worker.about()
    except ReevaluationFailed:
        return None
    packages = about.get("packages") or {}
    return ReevaluatedIn(
        executable=str(about.get("executable", "")),
        prefix=str(about.get("prefix", "")),
        packages=tuple(sorted((str(k), str(v)) for k, v in packages.items())),
    )
