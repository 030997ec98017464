"""``grader env build|list|show``: grading environments, built once and cached."""

from __future__ import annotations

import sys

from ..environments import build, built_envs, bundled_names, env_root, find_built, find_spec


def show_progress(line: str) -> None:
    """One line of a build's progress, on stderr."""
    print(f"  {line}", file=sys.stderr, flush=True)


def warn(line: str) -> None:
    """A warning for the instructor (an environment that could not be built, entries of a zip
    that were not unpacked), one line on stderr."""
    print(f"warning: {line}", file=sys.stderr, flush=True)


def main(*, action: str, name: str | None = None, find_links: str | None = None) -> int:
    """Build, list or show environments."""
    if action == "list":
        built = built_envs()
        for known in bundled_names():
            print(f"{known} (bundled)")
        for env in built:
            print(f"{env.info.name}-{env.info.spec_hash} built: {env.path}")
        if not built:
            print(f"(none built yet in {env_root()})")
        return 0
    assert name is not None
    spec = find_spec(name)
    if action == "build":
        print(f"grader: environment {spec.name} ({spec.spec_hash}) ...", file=sys.stderr)
        env, fresh = build(spec, find_links=find_links, progress=show_progress)
        print(f"{env.path} ({'built' if fresh else 'already built'})")
        return 0
    env_built = find_built(spec)
    print(f"name: {spec.name}\nspec: {spec.source}\nhash: {spec.spec_hash}\npython: {spec.python or 'as the grader'}")
    print("requirements:\n" + "\n".join(f"  {r}" for r in spec.requirements))
    if env_built is None:
        print(f"built: no (grader env build {name})")
    else:
        print(f"built: {env_built.path}")
        print("packages:\n" + "\n".join(f"  {k} {v}" for k, v in (env_built.info.packages or {}).items()))
    return 0
