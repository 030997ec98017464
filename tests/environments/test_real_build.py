"""One real environment: built with uv from PyPI (needs the network), then a notebook graded
in it with ``grader check --env``: the kernel ran with the environment's interpreter and
versions, the result says so, and building it again is a no-op."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from grader.environments import find_built, find_spec

pytestmark = pytest.mark.notebook
REPO = Path(__file__).resolve().parents[2]
# numpy 2.0.2: not what the grader's own environment installs, so the kernel's version tells where it ran;
# no "# python:" line: the grader's own interpreter, so CI needs no other Python (uv would download it)
SPEC = """numpy==2.0.2
ipykernel==6.29.5
nbclient==0.10.2
nbformat==5.10.4
"""
RUBRIC = """schema: 1
name: envcheck
title: Environment check
items:
  - id: env.runs
    title: Runs
    check: runs
    points: 1
  - id: env.numpy
    title: The kernel's numpy
    check: output
    points: 1
    params:
      contains: ["numpy 2.0.2"]
  - id: env.prefix
    title: The kernel's interpreter
    check: output
    points: 1
    params:
      regex: ["prefix [^ ]*/tinyenv-[0-9a-f]{12}"]
"""


def _grader(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=900, check=False, cwd=REPO
    )


def test_a_notebook_runs_in_the_environment_it_names(tmp_path: Path) -> None:
    spec_path = tmp_path / "tinyenv.txt"
    spec_path.write_text(SPEC)
    built = _grader("env", "build", str(spec_path))
    assert built.returncode == 0, built.stderr[-2000:]
    env = find_built(find_spec(str(spec_path)))
    assert env is not None
    started = time.monotonic()
    again = _grader("env", "build", str(spec_path))
    assert again.returncode == 0 and "already built" in again.stdout
    assert time.monotonic() - started < 30

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import sys, numpy\nprint('prefix', sys.prefix)\nprint('numpy', numpy.__version__)")
    ]
    notebook = tmp_path / "where.ipynb"
    nbformat.write(nb, notebook)
    (tmp_path / "envcheck.yaml").write_text(RUBRIC)
    out = tmp_path / "result.json"
    checked = _grader(
        "check", str(notebook), "--rubric", str(tmp_path / "envcheck.yaml"), "--env", str(spec_path),
        "--no-cache", "--json", str(out),
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
    result = json.loads(out.read_text())
    items = {i["id"]: i for i in result["items"]}
    assert items["env.numpy"]["passed"] and items["env.prefix"]["passed"], items
    assert result["environment"]["name"] == "tinyenv"
    assert result["environment"]["spec_hash"] == env.info.spec_hash
    assert result["environment"]["packages"]["numpy"] == "2.0.2"
