"""Where one submission's grading seconds went (the result JSON's ``timings``)."""

from __future__ import annotations

from ..models.execution import ExecutionOutcome


def phase_seconds(
    outcome: ExecutionOutcome, run_s: float, evidence_s: float, reeval_s: float, checks_s: float
) -> dict[str, float]:
    """Where one submission's seconds went: ``launch`` (sandbox, worker process, executed notebook
    written, teardown), the kernel side's ``kernel``/``cells``/``finish``/``shutdown`` (a run fetched from
    the cache has ``cached`` instead), ``evidence`` (reading it, re-evaluation excluded),
    ``reeval`` (waiting for the re-evaluation worker) and ``checks``."""
    kernel_side = sum(outcome.phases.values())
    if outcome.phases and run_s >= outcome.duration_s:  # executed now
        phases = {"launch": run_s - kernel_side, **outcome.phases}
    else:
        phases = {"cached": run_s}
    phases |= {"evidence": evidence_s - reeval_s, "reeval": reeval_s, "checks": checks_s}
    return {name: round(max(0.0, seconds), 3) for name, seconds in phases.items()}
