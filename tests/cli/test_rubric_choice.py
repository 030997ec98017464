"""Which rubric ``grader grade`` uses for each submission when --rubric is not given."""

from __future__ import annotations

import json

import pytest

from grader.errors import ConfigError
from grader.models.submission import Submission
from grader.pipeline import report_name, rubric_for


def sub(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    return Submission(path=path, display=str(path))


def test_folder_named_after_a_bundled_rubric(tmp_path):
    assert rubric_for(sub(tmp_path / "iris_keras" / "a.ipynb"), tmp_path, None) == "iris_keras"
    assert rubric_for(sub(tmp_path / "hcv" / "budi" / "a.ipynb"), tmp_path, None) == "hcv"


def test_explicit_rubric_wins(tmp_path):
    assert rubric_for(sub(tmp_path / "hcv" / "a.ipynb"), tmp_path, "iris_mlp") == "iris_mlp"


def test_a_folder_with_its_own_rubric(tmp_path):
    (tmp_path / "hostile").mkdir()
    (tmp_path / "hostile" / "rubric.yaml").write_text("schema: 1\n")
    chosen = rubric_for(sub(tmp_path / "hostile" / "loop.ipynb"), tmp_path, None)
    assert chosen == str(tmp_path / "hostile" / "rubric.yaml")


def test_sidecar_names_the_rubric(tmp_path):
    notebook = sub(tmp_path / "misc" / "x.ipynb")
    notebook.path.with_suffix(".expected.json").write_text(json.dumps({"rubric": "perceptron"}))
    assert rubric_for(notebook, tmp_path, None) == "perceptron"


def test_no_way_to_choose_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="no --rubric given"):
        rubric_for(sub(tmp_path / "misc" / "x.ipynb"), tmp_path, None)


def test_report_names_are_unique_and_safe(tmp_path):
    a = report_name(sub(tmp_path / "Ayu Lestari_1_assignsubmission_file_" / "tugas 1.ipynb"), tmp_path)
    b = report_name(sub(tmp_path / "Budi_2_assignsubmission_file_" / "tugas 1.ipynb"), tmp_path)
    assert a != b and "/" not in a and " " not in a
