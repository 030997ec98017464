"""``saved_model`` on hand-made evidence."""

from __future__ import annotations

from factories import standard

from grader.checks import run_check
from grader.models.evidence import SavedModelCheck

from .helpers import codes


def test_saved_model_formats_and_agreement():
    files = (
        SavedModelCheck(path="m.keras", format="keras", loads=True, agreement=1.0),
        SavedModelCheck(path="m.h5", format="h5", loads=True, agreement=0.5),
    )
    ev = standard(saved_models=files)
    assert run_check("saved_model", ev, {"formats": ["keras"]}).passed
    result = run_check("saved_model", ev, {"formats": ["keras", "h5"]})
    assert codes(result) == ["saved_model.disagrees"] and result.fraction == 0.5
    assert codes(run_check("saved_model", standard(), {})) == ["saved_model.none"]
