"""ARCHITECTURE.md's layering is a contract: ``lint-imports`` keeps it on the tree and catches a break.

Each test runs import-linter (the test extra installs it) on a copy of ``grader/`` and
``pyproject.toml``, so a violation can be planted without touching the real tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONTRACTS = {
    c["id"]: c["name"]
    for c in tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """``grader/`` and ``pyproject.toml``, copied."""
    shutil.copytree(REPO / "grader", tmp_path / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(root: Path) -> tuple[int, str, dict[str, str]]:
    """(exit status, output, contract id -> KEPT or BROKEN) of ``lint-imports`` on the tree at ``root``."""
    assert LINT_IMPORTS.exists(), f"{LINT_IMPORTS} is missing: pip install -e '.[test]' installs import-linter"
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "200"}
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    output = done.stdout + done.stderr
    flat = " ".join(output.split())  # long contract names may wrap
    verdicts = {}
    for key, name in CONTRACTS.items():
        for verdict in ("KEPT", "BROKEN"):
            if f"{name} {verdict}" in flat:
                verdicts[key] = verdict
    return done.returncode, output, verdicts


def test_the_tree_keeps_every_contract(copy: Path) -> None:
    code, output, verdicts = lint_imports(copy)
    assert code == 0, output
    assert verdicts == dict.fromkeys(CONTRACTS, "KEPT"), output


@pytest.mark.parametrize(
    ("module", "planted", "contract"),
    [
        ("checks/registry.py", "from grader.report import labels_for", "checks"),
        ("execute/launch.py", "import grader.sandbox", "execute"),
        ("sandbox/verdict.py", "from grader.execute import launch", "sandbox"),
        ("models/planted.py", "from grader.errors import GraderBug", "models"),
        ("reeval/worker.py", "from grader.errors import GraderBug", "reeval"),
        ("evidence/saved.py", "import keras", "reeval-client"),  # Keras is loaded by the worker only
        ("evidence/reevaluate.py", "from grader.reeval.loading import load_predictor", "reeval-client"),
        ("newcomer.py", "import grader.models", "layers"),  # a top-level module no layer names
        ("pipeline/grade.py", "import distributed", "dask"),  # Dask outside its one module
    ],
)
def test_a_planted_import_breaks_its_contract(copy: Path, module: str, planted: str, contract: str) -> None:
    with open(copy / "grader" / module, "a", encoding="utf-8") as handle:
        handle.write(f"\n{planted}  # planted\n")
    code, output, verdicts = lint_imports(copy)
    assert code != 0, output
    assert verdicts.get(contract) == "BROKEN", output  # (and those of its importers, through it)
    importer = "grader." + module.removesuffix(".py").replace("/", ".")
    assert importer in output
    if contract != "layers":
        assert f"{importer} -> {planted.split()[1]}" in output
