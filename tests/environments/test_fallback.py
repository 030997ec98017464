"""A rubric's environment that cannot be built: the grader's own with a warning; --env: an error."""

from __future__ import annotations

import pytest

import grader.environments as environments
from grader.environments.build import EnvironmentBuildError
from grader.models.rubric import Rubric
from grader.pipeline import environment_for

RUBRIC = Rubric.model_validate(
    {
        "schema": 1,
        "name": "r",
        "title": "R",
        "environment": "colab",
        "items": [{"id": "a", "title": "A", "check": "runs", "points": 1}],
    }
)


def _unreachable(*args, **kwargs):
    raise EnvironmentBuildError("the package index cannot be reached")


def test_a_rubric_environment_that_cannot_be_built_falls_back_with_a_warning(monkeypatch) -> None:
    monkeypatch.setattr(environments, "build", _unreachable)
    warnings: list[str] = []
    assert environment_for(RUBRIC, None, warn=warnings.append) is None
    assert len(warnings) == 1 and "'colab' could not be built" in warnings[0]
    assert "the package index cannot be reached" in warnings[0] and "grader's own environment" in warnings[0]


def test_an_environment_asked_for_with_env_that_cannot_be_built_is_an_error(monkeypatch) -> None:
    monkeypatch.setattr(environments, "build", _unreachable)
    with pytest.raises(EnvironmentBuildError, match="cannot be reached"):
        environment_for(RUBRIC, "colab", warn=lambda line: None)


def test_env_own_needs_no_build(monkeypatch) -> None:
    monkeypatch.setattr(environments, "build", _unreachable)
    assert environment_for(RUBRIC, "own", warn=lambda line: None) is None
