"""Where a submission's seconds went: the run's parts from the kernel side, the rest measured by
the grader, a cached run said as such (unit: no kernel)."""

from __future__ import annotations

from grader.export.results_file import result_from_json, result_to_json
from grader.models.execution import ExecutionOutcome
from grader.models.results import Result
from grader.pipeline.timings import phase_seconds


def _outcome(phases: dict[str, float], duration: float) -> ExecutionOutcome:
    return ExecutionOutcome("completed", None, (), duration, None, "/tmp/ev", phases=phases)


def test_an_executed_run_is_split_into_launch_and_the_kernel_sides_parts():
    outcome = _outcome({"kernel": 1.5, "cells": 4.0, "finish": 0.25}, duration=6.0)
    seconds = phase_seconds(outcome, run_s=8.0, evidence_s=2.0, reeval_s=1.5, checks_s=0.1)
    assert seconds == {
        "launch": 2.25,
        "kernel": 1.5,
        "cells": 4.0,
        "finish": 0.25,
        "evidence": 0.5,
        "reeval": 1.5,
        "checks": 0.1,
    }
    assert abs(sum(seconds.values()) - (8.0 + 2.0 + 0.1)) < 1e-9


def test_a_run_fetched_from_the_cache_is_not_mistaken_for_a_fast_execution():
    outcome = _outcome({"kernel": 1.5, "cells": 4.0, "finish": 0.25}, duration=6.0)
    seconds = phase_seconds(outcome, run_s=0.02, evidence_s=0.3, reeval_s=0.0, checks_s=0.01)
    assert seconds == {"cached": 0.02, "evidence": 0.3, "reeval": 0.0, "checks": 0.01}


def test_an_outcome_of_an_older_grader_without_phases_counts_as_fetched():
    seconds = phase_seconds(_outcome({}, duration=6.0), run_s=7.0, evidence_s=0.3, reeval_s=0.0, checks_s=0.01)
    assert "launch" not in seconds and seconds["cached"] == 7.0


def test_timings_travel_through_the_outcome_and_the_result_json():
    outcome = _outcome({"kernel": 1.5, "cells": 4.0}, duration=6.0)
    assert ExecutionOutcome.from_json(outcome.to_json()).phases == {"kernel": 1.5, "cells": 4.0}
    timed = Result("a.ipynb", None, "r", "graded", 1.0, 2.0, 3.5, (), (), timings={"launch": 1.25, "checks": 0.5})
    data = result_to_json(timed)
    assert data["timings"] == {"launch": 1.25, "checks": 0.5}
    assert result_from_json(data).timings == {"launch": 1.25, "checks": 0.5}
    legacy = {k: v for k, v in data.items() if k != "timings"}
    assert result_from_json(legacy).timings == {}
