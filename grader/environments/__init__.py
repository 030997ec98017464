"""Grading environments: a pinned spec (``environments/<name>.txt`` or a file), built once
with ``uv`` into a shared cache keyed by the spec's hash; the kernel runs in it.

``prepare(name_or_path)`` finds the spec and returns the built environment, building it on
first use; without one, the kernel runs in the grader's own environment
(``own_environment()`` says which versions that is).
"""

from __future__ import annotations

import functools
import importlib.metadata
import platform
from pathlib import Path

from ..models.environment import GradingEnvironment
from .build import (
    MAIN_PACKAGES,
    BuiltEnv,
    EnvironmentBuildError,
    Progress,
    build,
    built_envs,
    env_root,
    find_built,
)
from .spec import EnvSpec, bundled_names, find_spec, parse_spec

OWN_ENVIRONMENT = "own"
"""``--env own``: the grader's own environment, whatever the rubric names."""
__all__ = [
    "OWN_ENVIRONMENT",
    "BuiltEnv",
    "EnvSpec",
    "EnvironmentBuildError",
    "build",
    "built_envs",
    "bundled_names",
    "env_root",
    "find_built",
    "find_spec",
    "own_environment",
    "parse_spec",
    "prepare",
]


def prepare(
    name_or_path: str, *, base: Path | None = None, find_links: str | None = None, progress: Progress | None = None
) -> BuiltEnv:
    """The environment named (bundled name, or a spec path relative to ``base``), built if needed."""
    spec = find_spec(name_or_path, base)
    built, _ = build(spec, find_links=find_links, progress=progress or (lambda line: None))
    return built


@functools.cache
def own_environment() -> GradingEnvironment:
    """The grader's own environment, as a result records it (no spec, no hash)."""
    packages = {"python": platform.python_version()}
    for name in MAIN_PACKAGES:
        try:
            packages[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return GradingEnvironment(name=OWN_ENVIRONMENT, spec_hash=None, packages=packages)
