"""Shared fixtures.  Notebook runs go through the grader's own pipeline and evidence cache,
shared by all pytest-xdist workers: each notebook is executed once per session and every test
that needs it (reference figures, rubric scores, example grades) reads the same run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
REFERENCE = REPO / "reference"
EXAMPLES = REPO / "submissions_example"


@dataclass(frozen=True)
class NotebookRun:
    """An executed (and, with a rubric, graded) notebook."""

    outcome: object
    workspace: object
    evidence: object
    result: object | None
    status: str = "graded"
    """The result status of the contract: graded, timeout, kernel_died, invalid, error."""


def _rubric_for_reference(notebook: Path) -> str | None:
    from grader.rubric.locate import bundled_dir, rubric_names

    for name in rubric_names():
        text = (bundled_dir("rubrics") / f"{name}.yaml").read_text(encoding="utf-8")
        if f"reference: {notebook.name}" in text:
            return name
    return None


class RunStore:
    """Grades notebooks through the pipeline with one evidence cache for the whole session."""

    def __init__(self, root: Path) -> None:
        from grader.cache import EvidenceCache

        self.cache = EvidenceCache(root / "evidence-cache")
        self._memo: dict[tuple[str, str], NotebookRun] = {}

    def run(self, notebook: Path, datasets: tuple[str, ...] = (), rubric: str | None = None) -> NotebookRun:
        """Execute ``notebook`` (once per session) and grade it with ``rubric`` (default: the
        rubric whose reference it is; else a bare run with ``datasets`` staged)."""
        from grader.commands.setup import rubric_from
        from grader.evidence import build_evidence
        from grader.execute import host_path_mapper
        from grader.intake import collect_submissions
        from grader.models.rubric import Rubric
        from grader.pipeline import GradeSettings, check_all, run_submission
        from grader.scoring import score_items

        name = rubric or _rubric_for_reference(notebook)
        memo_key = (str(notebook), name or ",".join(datasets))
        if memo_key in self._memo:
            return self._memo[memo_key]
        if name is not None:
            loaded, folder = rubric_from(name)
        else:
            loaded = Rubric.model_validate(
                {
                    "schema": 1,
                    "name": "bare",
                    "title": "bare",
                    "datasets": list(datasets),
                    "items": [{"id": "runs", "title": "runs", "check": "runs", "points": 1}],
                }
            )
            folder = REPO
        settings = GradeSettings(
            rubric=loaded,
            rubric_dir=folder,
            data_dir=SHARED_DATA if SHARED_DATA.is_dir() else None,
            sandboxed=sandbox_ok(),
            cache=self.cache,
        )
        submission = collect_submissions(notebook)[0]
        if submission.problem:
            from grader.pipeline import invalid_result

            invalid = invalid_result(submission, loaded, submission.problem, "en")
            return NotebookRun(outcome=None, workspace=None, evidence=None, result=invalid.items, status="invalid")
        outcome, workspace = run_submission(submission, settings)
        evidence = build_evidence(outcome, host_path_mapper(workspace))
        result = None
        if name is not None:
            result = score_items(loaded, check_all(loaded, evidence))
        from grader.pipeline import STATUS

        run = NotebookRun(
            outcome=outcome,
            workspace=workspace,
            evidence=evidence,
            result=result,
            status=STATUS.get(outcome.status, "error"),
        )
        self._memo[memo_key] = run
        return run


def sandbox_ok() -> bool:
    """Whether bubblewrap works here (CI installs it; tests then grade sandboxed, like `grade`)."""
    try:
        from grader.sandbox import sandbox_available
    except ImportError:
        return False
    return sandbox_available()[0]


@pytest.fixture(scope="session")
def run_store(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> RunStore:
    """One store for the whole session, shared by all xdist workers."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if worker_id != "master" else base
    return RunStore(root)


@pytest.fixture(scope="session")
def hcv_csv() -> Path:
    """The real UCI HCV file (never copied into the repository)."""
    path = SHARED_DATA / "hcvdat0.csv"
    if not path.exists():
        pytest.skip("../shared/data/hcvdat0.csv is not present")
    return path
