"""Gradescope: results.json per the autograder specification, and the bundle's scripts run."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from grader.export import gradescope_results

from .builders import LOSS_FEEDBACK, OVERRIDE_COMMENT, class_results, export_one, overridden, write_results

# Gradescope's autograder specification (gradescope-autograders.readthedocs.io, "Autograder
# Specifications", results.json): each key the file may hold, with the JSON types it allows.
TOP_LEVEL: dict[str, tuple[type, ...]] = {
    "score": (int, float),
    "execution_time": (int,),
    "output": (str,),
    "output_format": (str,),
    "test_output_format": (str,),
    "test_name_format": (str,),
    "visibility": (str,),
    "stdout_visibility": (str,),
    "extra_data": (dict,),
    "tests": (list,),
    "leaderboard": (list,),
}
TEST_KEYS: dict[str, tuple[type, ...]] = {
    "score": (int, float),
    "max_score": (int, float),
    "status": (str,),
    "name": (str,),
    "name_format": (str,),
    "number": (str,),
    "output": (str,),
    "output_format": (str,),
    "tags": (list,),
    "visibility": (str,),
    "extra_data": (dict,),
}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def assert_follows_the_spec(data: dict[str, Any]) -> None:
    """Keys and types as the specification lists them; a score on top or on every test."""
    for key, value in data.items():
        assert key in TOP_LEVEL, f"results.json has no key {key!r}"
        assert isinstance(value, TOP_LEVEL[key]) and not isinstance(value, bool), key
    for key in ("visibility", "stdout_visibility"):
        assert data.get(key, "visible") in VISIBILITY
    assert data.get("output_format", "text") in FORMATS
    tests = data.get("tests", [])
    assert "score" in data or all("score" in t for t in tests)
    for test in tests:
        for key, value in test.items():
            assert key in TEST_KEYS, f"a test has no key {key!r}"
            assert isinstance(value, TEST_KEYS[key]) and not isinstance(value, bool), key
        assert test.get("visibility", "visible") in VISIBILITY
        assert test.get("status", "passed") in ("passed", "failed")
        assert all(isinstance(tag, str) for tag in test.get("tags", []))


def test_results_json_follows_the_specification() -> None:
    data = json.loads(json.dumps(gradescope_results(class_results()[0])))
    assert_follows_the_spec(data)
    assert data["score"] == 27.5 and data["execution_time"] == 12  # whole seconds (12.5 s rounds to even)
    assert [(t["name"], t["score"], t["max_score"], t["visibility"]) for t in data["tests"]] == [
        ("hcv.split", 20, 20, "visible"),
        ("Loss curves", 0, 20, "visible"),
        ("Secret claims", 7.5, 10, "hidden"),
    ]
    assert data["tests"][1]["output"] == LOSS_FEEDBACK and data["tests"][1]["status"] == "failed"
    assert "Secret claims" not in data["output"]  # hidden items stay out of the visible summary


def test_the_checker_can_fail() -> None:
    with pytest.raises(AssertionError):
        assert_follows_the_spec({"score": 1, "tests": [{"score": 1, "visibility": "students"}]})
    with pytest.raises(AssertionError):
        assert_follows_the_spec({"score": 1, "execution_time": 1.5})


@pytest.fixture
def bundle(results_dir: Path) -> Path:
    folder = export_one(results_dir, "gradescope")
    assert folder == results_dir / "gradescope"
    return folder


def test_the_bundle_holds_two_executable_scripts(bundle: Path) -> None:
    assert sorted(p.name for p in bundle.iterdir()) == ["run_autograder", "setup.sh"]
    for script in bundle.iterdir():
        assert script.stat().st_mode & stat.S_IXUSR
        assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0


def _autograder(tmp_path: Path, bundle: Path, grader_body: str, notebooks: tuple[str, ...]) -> Path:
    """An /autograder tree under tmp_path and a stand-in ``grader`` (no kernel, no sandbox)."""
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    for name in notebooks:
        (root / "submission" / name).write_text("{}", encoding="utf-8")
    fake = tmp_path / "fake-grader"
    fake.write_text("#!/usr/bin/env bash\n" + grader_body, encoding="utf-8")
    fake.chmod(0o755)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "GRADER": str(fake)}
    done = subprocess.run(
        [str(bundle / "run_autograder")], env=env, cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return root / "results" / "results.json"


def test_run_autograder_grades_the_notebook_into_results_json(tmp_path: Path, bundle: Path) -> None:
    body = 'echo "$@" > "$(dirname "$0")/args"\nprintf \'{"score": 3, "tests": []}\' > "${@: -1}"\nexit 1\n'
    results = _autograder(tmp_path, bundle, body, ("tugas.ipynb",))
    assert json.loads(results.read_text()) == {"score": 3, "tests": []}
    args = (tmp_path / "args").read_text().split()
    assert args[0] == "check" and args[1].endswith("/submission/tugas.ipynb")
    assert args[2:] == ["--rubric", "hcv", "--lang", "en", "--gradescope", str(results)]


def test_no_notebook_is_a_zero_that_says_why(tmp_path: Path, bundle: Path) -> None:
    data = json.loads(_autograder(tmp_path, bundle, "exit 0\n", ()).read_text(encoding="utf-8"))
    assert_follows_the_spec(data)
    assert data["score"] == 0 and "No Jupyter notebook (.ipynb)" in data["output"]


def test_a_grader_failure_still_leaves_results_json(tmp_path: Path, bundle: Path) -> None:
    data = json.loads(_autograder(tmp_path, bundle, "exit 3\n", ("a.ipynb",)).read_text(encoding="utf-8"))
    assert_follows_the_spec(data)
    assert data["score"] == 0 and "(exit status 3)" in data["output"]


def test_the_bundle_speaks_the_results_language(tmp_path: Path) -> None:
    folder = export_one(write_results(tmp_path / "r", class_results()), "gradescope", "id")
    data = json.loads(_autograder(tmp_path, folder, "exit 0\n", ()).read_text(encoding="utf-8"))
    assert "Tidak ada notebook Jupyter" in data["output"]


def test_check_hands_gradescope_option_to_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """``grader check --gradescope FILE`` reaches the command (stand-in: nothing is executed)."""
    from grader import cli
    from grader.commands import check

    seen: dict[str, Any] = {}
    monkeypatch.setattr(check, "main", lambda **kwargs: seen.update(kwargs) or 0)
    assert cli.main(["check", "nb.ipynb", "--rubric", "hcv", "--gradescope", "/r/results.json"]) == 0
    assert seen["gradescope_out"] == "/r/results.json" and seen["notebook"] == "nb.ipynb"


def test_rubric_names_are_quoted_in_run_autograder(tmp_path: Path) -> None:
    from grader.export.gradescope import gradescope_bundle

    folder = gradescope_bundle(tmp_path / "b", "my rubric $(touch pwned)")
    body = 'echo "$@" > "$(dirname "$0")/args"\n'
    _autograder(tmp_path, folder, body, ("a.ipynb",))
    assert "--rubric my rubric $(touch pwned) --lang" in (tmp_path / "args").read_text()
    assert not list(tmp_path.rglob("pwned"))


def test_each_submissions_results_json_beside_the_bundle_holds_the_override(tmp_path: Path) -> None:
    folder = write_results(tmp_path / "out", overridden(class_results(), "hcv.loss_plot", 15))
    export_one(folder, "gradescope")
    written = sorted(p.name for p in (folder / "gradescope_results").iterdir())
    assert written == ["2201001.json", "HYPERLINK_x.json", "anonymous.json"]
    for path in (folder / "gradescope_results").iterdir():
        assert_follows_the_spec(json.loads(path.read_text(encoding="utf-8")))
    data = json.loads((folder / "gradescope_results" / "2201001.json").read_text(encoding="utf-8"))
    assert data["score"] == 42.5
    loss = next(t for t in data["tests"] if t["name"] == "Loss curves")
    assert loss["score"] == 15 and OVERRIDE_COMMENT in loss["output"]
    assert "Changed by the instructor" in data["output"]  # the summary a student reads
