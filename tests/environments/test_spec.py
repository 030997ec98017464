"""Environment specs: parsing, hashing and finding them (bundled or by path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.environments import bundled_names, find_spec, parse_spec
from grader.environments.spec import KERNEL_REQUIREMENTS
from grader.errors import ConfigError

SPEC = """# a course's environment
# python: 3.11
pandas==2.2.2   # fillna(inplace=True) still works on a column
numpy==2.0.2

tensorflow-cpu==2.18.0; sys_platform == 'linux'
"""


def test_parse_keeps_requirements_and_python_and_drops_comments() -> None:
    spec = parse_spec(SPEC, "course")
    assert spec.requirements == ("pandas==2.2.2", "numpy==2.0.2", "tensorflow-cpu==2.18.0; sys_platform == 'linux'")
    assert spec.python == "3.11"
    assert spec.key == f"course-{spec.spec_hash}" and len(spec.spec_hash) == 12


def test_hash_follows_what_is_installed_not_comments() -> None:
    base = parse_spec(SPEC, "course")
    assert parse_spec("# other words\n" + SPEC.replace("   # fillna", "  # x"), "course").spec_hash == base.spec_hash
    assert parse_spec(SPEC.replace("2.2.2", "2.2.3"), "course").spec_hash != base.spec_hash
    assert parse_spec(SPEC.replace("# python: 3.11", "# python: 3.12"), "course").spec_hash != base.spec_hash


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("# only comments\n", "names no packages"),
        ("--index-url https://example.org\nnumpy\n", "options (--index-url) are not allowed"),
        ("-r other.txt\n", "line 1: options (-r)"),
    ],
)
def test_bad_specs_are_one_line_config_errors(text: str, says: str) -> None:
    with pytest.raises(ConfigError, match=r"\(?" + says.split("(")[0]):
        parse_spec(text, "bad")


def test_bundled_colab_is_pinned_and_found_by_name(tmp_path: Path) -> None:
    assert "colab" in bundled_names()
    colab = find_spec("colab")
    pins = {r.split("==")[0]: r.split("==")[1].split(";")[0] for r in colab.requirements}
    assert pins["pandas"].startswith("2.2.") and pins["imbalanced-learn"] and pins["xgboost"] and pins["plotly"]
    assert pins["keras"].startswith("3.") and colab.python == "3.11"
    assert all("==" in r for r in colab.requirements)  # every line pinned: the same build every time
    assert not set(KERNEL_REQUIREMENTS) - {"ipykernel", "nbclient", "nbformat", "numpy", "skops"}


def test_every_package_the_probe_imports_for_the_grader_is_a_kernel_requirement() -> None:
    """The probe runs in the kernel's environment: what it imports for the grader's sake (not the
    notebook's libraries it hooks) must be installed in every grading environment."""
    import re

    probe = Path(__file__).resolve().parents[2] / "grader" / "probe"
    imported = {
        m
        for f in probe.glob("*.py")
        for m in re.findall(r"^\s*import (skops|ipykernel|nbformat)\b", f.read_text(), re.M)
    }
    assert "skops" in imported  # scikit-learn models are saved with skops.io
    assert imported <= set(KERNEL_REQUIREMENTS)


def test_find_by_path_relative_to_a_base_and_unknown_names(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("numpy==2.0.2\n")
    assert find_spec("mine.txt", base=tmp_path).name == "mine"
    assert find_spec(str(tmp_path / "mine.txt")).requirements == ("numpy==2.0.2",)
    with pytest.raises(ConfigError, match="did you mean 'colab'"):
        find_spec("colb")
    with pytest.raises(ConfigError, match="not found"):
        find_spec(str(tmp_path / "missing.txt"))
