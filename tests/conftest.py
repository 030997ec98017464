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
    """The scored items (with a rubric), else None."""
    status: str = "graded"
    """The result status of the contract: graded, timeout, kernel_died, invalid, error."""


def feedback(item: object, lang: str = "en") -> str:
    """An item's feedback as a student reads it."""
    from grader.i18n import feedback_text

    return feedback_text(item, lang)  # type: ignore[arg-type]


def _rubric_for_reference(notebook: Path) -> str | None:
    from grader.rubric.locate import bundled_dir, rubric_names

    for name in rubric_names():
        text = (bundled_dir("rubrics") / f"{name}.yaml").read_text(encoding="utf-8")
        if f"reference: {notebook.name}" in text:
            return name
    return None


def _bare_rubric(datasets: tuple[str, ...]):
    from grader.models.rubric import Rubric

    return Rubric.model_validate(
        {
            "schema": 1,
            "name": "bare",
            "title": "bare",
            "datasets": list(datasets),
            "items": [{"id": "runs", "title": "runs", "check": "runs", "points": 1}],
        }
    )


class RunStore:
    """Grades notebooks through the pipeline with one evidence cache for the whole session."""

    def __init__(self, root: Path) -> None:
        from grader.cache import EvidenceCache

        self.cache = EvidenceCache(root / "evidence-cache")
        self._memo: dict[tuple[str, str], NotebookRun] = {}

    def run(
        self,
        notebook: Path,
        datasets: tuple[str, ...] = (),
        rubric: str | None = None,
        environment: object | None = None,
    ) -> NotebookRun:
        """Execute ``notebook`` (once per session) and grade it with ``rubric`` (default: the
        rubric whose reference it is; else a bare run with ``datasets`` staged), in the built
        ``environment`` (a ``BuiltEnv``; default: the grader's own)."""
        from grader.intake import collect_submissions
        from grader.pipeline import GradeSettings, grade_submission, rubric_from

        name = rubric or _rubric_for_reference(notebook)
        env_key = getattr(getattr(environment, "info", None), "spec_hash", None) or "own"
        memo_key = (str(notebook), name or ",".join(datasets), env_key)
        if memo_key in self._memo:
            return self._memo[memo_key]
        loaded = rubric_from(name) if name is not None else _bare_rubric(datasets)
        settings = GradeSettings(
            rubric=loaded,
            data_dir=SHARED_DATA if SHARED_DATA.is_dir() else None,
            sandboxed=sandbox_ok(),
            cache=self.cache,
            environment=environment,  # type: ignore[arg-type]
        )
        graded = grade_submission(collect_submissions(notebook)[0], settings)
        if graded.evidence is None:  # not a gradable notebook
            return NotebookRun(None, None, None, result=graded.result.items, status=graded.result.status)
        run = NotebookRun(
            outcome=graded.outcome,
            workspace=graded.workspace,
            evidence=graded.evidence,
            result=graded.result.items if name is not None else None,
            status=graded.result.status,
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


OLDER_SPEC = REPO / "tests" / "environments" / "specs" / "older.txt"
"""A small older grading environment (pandas 2, numpy 1.26, scikit-learn 1.3; no TensorFlow)."""


@pytest.fixture(scope="session")
def older_env():
    """``OLDER_SPEC`` built with uv (once per machine: the grader's environment cache and uv's own
    cache keep it; a build by another xdist worker is waited for, never repeated)."""
    from grader.environments import build, find_spec

    built, _ = build(find_spec(str(OLDER_SPEC)), progress=lambda line: None)
    return built


@pytest.fixture(scope="session")
def colab_env():
    """The bundled ``colab`` environment (TensorFlow, imbalanced-learn, pandas 2...), built with uv
    once per machine like ``older_env``: minutes on a fresh machine, instant once built."""
    from grader.environments import build, find_spec
    from grader.environments.build import EnvironmentBuildError

    try:
        built, _ = build(find_spec("colab"), progress=lambda line: None)
    except EnvironmentBuildError as exc:  # no package index or no Python 3.11 on this machine
        pytest.skip(f"the colab environment cannot be built on this machine: {exc}")
    return built


@pytest.fixture(scope="session", params=["own", "older"])
def grading_env(request: pytest.FixtureRequest):
    """Each environment the probe is tested in: the grader's own (None) and ``older_env``."""
    return None if request.param == "own" else request.getfixturevalue("older_env")


@pytest.fixture(scope="session")
def hcv_csv() -> Path:
    """The real UCI HCV file (never copied into the repository)."""
    path = SHARED_DATA / "hcvdat0.csv"
    if not path.exists():
        pytest.skip("../shared/data/hcvdat0.csv is not present")
    return path
