"""Shared fixtures.  Notebook runs are cached across pytest-xdist workers: each notebook is
executed once per session and every test that needs it reads the same outcome."""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
REFERENCE = REPO / "reference"


@dataclass(frozen=True)
class NotebookRun:
    """An executed notebook: its outcome, workspace and evidence."""

    outcome: object
    workspace: object
    evidence: object


class RunStore:
    """Executes a notebook at most once per session, whichever worker asks first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._memo: dict[str, NotebookRun] = {}

    def run(self, notebook: Path, datasets: tuple[str, ...] = (), cell_timeout: float = 600,
            notebook_timeout: float = 1800) -> NotebookRun:
        from grader.evidence import build_evidence
        from grader.execute import execute_notebook, host_path_mapper
        from grader.execute.workspace import Workspace
        from grader.models.execution import ExecutionOutcome

        key = hashlib.sha256(notebook.read_bytes() + repr(datasets).encode()).hexdigest()[:16]
        if key in self._memo:
            return self._memo[key]
        folder = self.root / f"{notebook.stem}-{key}"
        with open(self.root / f"{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            done = folder / "done.json"
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)

                def prepare(ws):
                    from grader.datasets import stage_datasets

                    staged = stage_datasets(list(datasets), ws.work, ws.home, SHARED_DATA)
                    return {name: str(f.path) for f in staged for name in f.names}

                result = execute_notebook(notebook, folder, cell_timeout=cell_timeout,
                                          notebook_timeout=notebook_timeout,
                                          prepare=prepare if datasets else None)
                done.write_text(json.dumps(result.outcome.to_json()))
            outcome = ExecutionOutcome.from_json(json.loads(done.read_text()))
        ws = Workspace(root=folder, work=folder / "work", home=folder / "home",
                       evidence=folder / "evidence", out=folder / "out",
                       notebook=folder / "work" / notebook.name)
        run = NotebookRun(outcome=outcome, workspace=ws,
                          evidence=build_evidence(outcome, host_path_mapper(ws)))
        self._memo[key] = run
        return run


@pytest.fixture(scope="session")
def run_store(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> RunStore:
    """One store for the whole session, shared by all xdist workers."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if worker_id != "master" else base
    return RunStore(root / "notebook-runs")


@pytest.fixture(scope="session")
def hcv_csv() -> Path:
    """The real UCI HCV file (never copied into the repository)."""
    path = SHARED_DATA / "hcvdat0.csv"
    if not path.exists():
        pytest.skip("../shared/data/hcvdat0.csv is not present")
    return path
