"""Which model (and which training run of it) the notebook ends up judging."""

from __future__ import annotations

from ..models.evidence import Evidence, FitRecord, ModelRecord


def final_model(evidence: Evidence) -> ModelRecord | None:
    """The model the notebook ends up judging (see ``grader.evidence.roles``)."""
    mid = evidence.roles.final_mid
    if mid and mid in evidence.models:
        return evidence.models[mid]
    if evidence.fits:
        return evidence.models.get(evidence.fits[-1].mid)
    # nothing was trained (a crash, a typo): the last model the notebook compiled, else built
    compiled = {c.mid for c in evidence.compiles}
    candidates = [m for m in evidence.models.values() if m.mid in compiled] or list(evidence.models.values())
    return max(candidates, key=lambda m: m.seq, default=None)


def final_fit(evidence: Evidence) -> FitRecord | None:
    """The last training run of the final model."""
    model = final_model(evidence)
    if model is None:
        return None
    fits = evidence.fits_for(model.mid)
    return fits[-1] if fits else None
