"""The re-evaluation worker of a run: built for its environment and folder, started ahead while
the notebook runs (its imports, TensorFlow's above all, paid meanwhile), and its answers checked
against the environment the result records."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..environments import BuiltEnv, built_envs
from ..environments.build import ensure_source
from ..execute.workspace import Workspace
from ..models.environment import GradingEnvironment
from ..models.evidence import Evidence
from ..reeval.client import worker_command
from ..reeval.memo import MEMO_DIR, MemoReevaluator, interpreter_identity

log = logging.getLogger(__name__)

_KERAS = re.compile(r"^\s*(?:import|from)\s+(?:tensorflow|keras|tf_keras)\b", re.M)
_SKLEARN = re.compile(r"^\s*(?:import|from)\s+sklearn\b", re.M)


def likely_model_formats(notebook: Path) -> list[str]:
    """The model files a notebook's imports suggest it will leave (``.keras`` for TensorFlow or
    Keras, ``.skops`` for scikit-learn), read from its code cells without running anything."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8", errors="replace")).get("cells") or []
    except (OSError, ValueError, AttributeError):
        return []
    source = "\n".join(
        "".join(c.get("source") or "") if isinstance(c.get("source"), list) else str(c.get("source") or "")
        for c in cells
        if isinstance(c, dict) and c.get("cell_type") == "code"
    )
    return [fmt for fmt, pattern in ((".keras", _KERAS), (".skops", _SKLEARN)) if pattern.search(source)]


class ReevaluatorAhead:
    """Starts the run's re-evaluation worker the moment its folder exists (before the kernel),
    warmed for the formats the notebook's imports suggest, so that its imports overlap the run;
    :meth:`take` hands it over for the evidence (or a fresh one for a run fetched from the cache)."""

    def __init__(self, environment: BuiltEnv | None, sandboxed: bool, formats: list[str]) -> None:
        self.environment, self.sandboxed, self.formats = environment, sandboxed, formats
        self._started: tuple[Path, MemoReevaluator] | None = None

    def start(self, workspace: Workspace) -> None:
        """Called with the run's workspace just made: start and warm its worker (if worth it)."""
        if not self.formats or self._started is not None:
            return
        worker = reevaluator(self.environment, workspace.root, self.sandboxed)
        worker.warm(self.formats)
        self._started = (workspace.root, worker)

    def take(self, root: Path) -> MemoReevaluator:
        """The worker for the run under ``root``: the one started ahead, else a new one."""
        if self._started is not None and self._started[0] == root:
            worker, self._started = self._started[1], None
            return worker
        self.close()
        return reevaluator(self.environment, root, self.sandboxed)

    def close(self) -> None:
        """End a worker started ahead and never taken (the run failed)."""
        if self._started is not None:
            self._started[1].close()
            self._started = None


def reevaluator(environment: BuiltEnv | None, root: Path, sandboxed: bool) -> MemoReevaluator:
    """The re-evaluation worker of the run kept under ``root``: a fresh process of the environment
    the notebook ran in (the grader's own interpreter when none is named), inside the sandbox when
    grading is sandboxed - reading the run's folder, writing nothing, no network.  Started on
    first use (or ahead, by :class:`ReevaluatorAhead`)."""
    python = str(environment.python) if environment is not None else None
    command = worker_command(python)
    if sandboxed:
        from ..sandbox import Sandbox

        command = Sandbox().reader(command, python=python, readable=[str(root)])
    # its answers are kept beside the run: re-scoring a kept run loads no model again
    return MemoReevaluator(command, root / MEMO_DIR, interpreter_identity(python))


def environment_recorded(info: Mapping[str, Any] | None) -> BuiltEnv | None:
    """The built environment a result recorded (by its spec hash), if it is still on this machine."""
    spec_hash = (info or {}).get("spec_hash")
    if not spec_hash:
        return None
    found = next((env for env in built_envs() if env.info.spec_hash == spec_hash), None)
    return ensure_source(found) if found is not None else None


def same_environment(evidence: Evidence, environment: GradingEnvironment) -> Evidence:
    """The evidence, unless its models were re-evaluated with other versions than the result records
    (a grader fault: then nothing it measured counts, and a person should look)."""
    where = evidence.reevaluated_in
    if where is None:
        return evidence
    versions, recorded = where.versions(), environment.packages or {}
    differ = sorted(
        f"{name} {versions[name]} (recorded {recorded[name]})"
        for name in set(versions) & set(recorded)
        if versions[name] != recorded[name]
    )
    if not differ:
        return evidence
    log.error("re-evaluation ran with other versions than the result records: %s", ", ".join(differ))
    problem = (
        f"the grader re-evaluated the model with other versions than the grading environment's: {', '.join(differ)}"
    )
    saved = tuple(replace(s, judged=False, error=problem) for s in evidence.saved_models)
    return replace(evidence, measurements=(), reevaluation_problem=problem, saved_models=saved)
