"""From a user's choices to grading settings: the rubric, the data, the cache, the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..cache import DEFAULT_MAX_BYTES, EvidenceCache, Pruned, default_cache_dir, parse_size
from ..checks import param_models
from ..environments import OWN_ENVIRONMENT, BuiltEnv, Progress, find_spec
from ..errors import ConfigError, SandboxUnavailable
from ..models.rubric import Rubric
from ..rubric.loader import load_rubric
from ..rubric.locate import find_rubric


@dataclass(frozen=True)
class GradeSettings:
    """How to grade: the rubric and the environment around each run."""

    rubric: Rubric
    data_dir: Path | None = None
    sandboxed: bool = False
    cache: EvidenceCache | None = None
    work_root: Path | None = None
    """Where uncached runs keep their workspaces (default: a temporary folder, removed after)."""
    seed: int = 0
    environment: BuiltEnv | None = None
    """The grading environment the kernel runs in (None: the grader's own)."""
    threads: int | None = None
    """Each kernel's BLAS/OpenMP/TensorFlow threads: its share of the cores (None: the libraries' choice)."""

    def __post_init__(self) -> None:
        # the sandboxed worker starts in another folder: a relative path would name nothing there
        for name in ("data_dir", "work_root"):
            value = getattr(self, name)
            if value is not None and not value.is_absolute():
                object.__setattr__(self, name, value.resolve())
        if self.cache is not None and not self.cache.root.is_absolute():
            object.__setattr__(self, "cache", EvidenceCache(self.cache.root.resolve()))


def rubric_from(name_or_path: str) -> Rubric:
    """A validated rubric (by bundled name or path), its ``test`` files made absolute."""
    path = find_rubric(name_or_path)
    rubric = resolve_test_files(load_rubric(str(path), param_models()), path.parent)
    env = rubric.environment
    if env is not None and (env.endswith(".txt") or "/" in env) and not Path(env).is_absolute():
        rubric = rubric.model_copy(update={"environment": str((path.parent / env).resolve())})
    return rubric


def environment_for(
    rubric: Rubric,
    override: str | None,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
) -> BuiltEnv | None:
    """The environment ``--env`` (else the rubric) names, built on first use; None: the grader's own
    (also when ``--env own`` overrides a rubric's environment).

    A rubric's environment that cannot be built (no package index, say) is reported through
    ``warn`` and the grader's own environment is used instead, so a class is still graded; an
    environment asked for with ``--env`` that cannot be built is an error."""
    chosen = override or rubric.environment
    if chosen is None or chosen == OWN_ENVIRONMENT:
        return None
    from .. import environments
    from ..environments.build import EnvironmentBuildError

    try:
        built, _ = environments.build(find_spec(chosen), progress=progress or (lambda line: None))
    except EnvironmentBuildError as error:
        if override is not None:
            raise
        if warn is not None:
            warn(
                f"the rubric's environment {chosen!r} could not be built ({error}); "
                "grading in the grader's own environment instead"
            )
        return None
    return built


def resolve_test_files(rubric: Rubric, folder: Path) -> Rubric:
    """Make ``test`` items' files absolute, relative to the rubric's folder."""
    items = []
    for item in rubric.items:
        if item.check == "test" and "file" in item.params:
            params = dict(item.params)
            params["file"] = str((folder / params["file"]).resolve())
            item = item.model_copy(update={"params": params})
        items.append(item)
    return rubric.model_copy(update={"items": tuple(items)})


def data_dir_from(value: str | None) -> Path | None:
    """The --data-dir folder, which must exist when given."""
    if value is None:
        return None
    path = Path(value)
    if not path.is_dir():
        raise ConfigError(f"--data-dir {value}: no such folder")
    return path.resolve()


def cache_from(cache_dir: str | None, no_cache: bool, max_size: str | None = None) -> EvidenceCache | None:
    """The evidence cache, unless disabled; ``max_size`` (``5G``, ``500M``) caps it."""
    if no_cache:
        return None
    return EvidenceCache(cache_folder(cache_dir), max_bytes=cache_size(max_size))


def cache_folder(cache_dir: str | None) -> Path:
    """The evidence cache's folder: ``--cache-dir`` or the default."""
    return (Path(cache_dir) if cache_dir else default_cache_dir()).resolve()


def cache_size(max_size: str | None) -> int:
    """The cache's cap in bytes from ``--cache-max-size`` (default ``DEFAULT_MAX_BYTES``)."""
    if max_size is None:
        return DEFAULT_MAX_BYTES
    try:
        return parse_size(max_size)
    except ValueError as exc:
        raise ConfigError(f"cache size: {exc}") from None


def prune_cache(cache_dir: str | None, max_size: str | None) -> Pruned:
    """Bring the evidence cache under ``max_size`` (default: its usual cap), least recently used first."""
    folder = cache_folder(cache_dir)
    if cache_dir is not None and not folder.is_dir():
        raise ConfigError(f"--cache-dir {cache_dir}: no such folder")
    limit = cache_size(max_size)
    return EvidenceCache(folder, max_bytes=limit).prune(limit)


def sandbox_choice(required: bool, allowed: bool) -> tuple[bool, str | None]:
    """(use the sandbox?, a warning line when running without it)."""
    if not allowed:
        return False, "running WITHOUT a sandbox (--no-sandbox): only grade code you trust"
    from ..sandbox import sandbox_available

    ok, why = sandbox_available()
    if ok:
        return True, None
    if required:
        raise SandboxUnavailable(
            f"the sandbox is not available ({why}); install bubblewrap "
            "(apt-get install bubblewrap) or pass --no-sandbox for trusted code"
        )
    return False, f"no sandbox here ({why}): your notebook runs unsandboxed, as on your own machine"
