"""Build an environment once with ``uv``, into a cache folder shared by every run and worker.

``<root>/<name>-<hash>`` is complete or absent: it is built in a temporary sibling, its
record (``grader-env.json``) written last, then renamed into place.  A lock file per key
makes a second builder wait and then find it built; a builder that died leaves only a
temporary folder, which the next one removes.  The grader's own package is made importable
inside (the worker, runner and probe run there) through a ``.pth`` file and a link to this
grader's source, never by installing the grader's heavy dependencies.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..fileio import write_json_atomic
from ..models.environment import GradingEnvironment
from .spec import KERNEL_REQUIREMENTS, EnvSpec

RECORD = "grader-env.json"
SOURCE_DIR = "grader-src"
PTH_NAME = "grader_source.pth"
ROOT_ENV = "GRADER_ENV_DIR"
MAIN_PACKAGES = (
    "numpy", "pandas", "scikit-learn", "scipy", "tensorflow", "tensorflow-cpu", "keras", "torch",
    "matplotlib", "seaborn", "plotly", "xgboost", "imbalanced-learn", "statsmodels",
)  # fmt: skip
"""The packages a result names the versions of (those installed)."""
_PACKAGE_DIR = Path(__file__).resolve().parent.parent

Progress = Callable[[str], None]
Runner = Callable[[list[str], Progress], tuple[int, str]]
"""Runs a command, passing each output line to the progress callback; returns (exit code, output)."""


class EnvironmentBuildError(ConfigError):
    """An environment could not be built (no index, no such package, a conflict): exit 2, one line."""


@dataclass(frozen=True)
class BuiltEnv:
    """A complete environment: its folder, its interpreter and what it records."""

    path: Path
    info: GradingEnvironment

    @property
    def python(self) -> Path:
        """The environment's interpreter."""
        return self.path / "bin" / "python"

    def base_prefix(self) -> Path | None:
        """The base installation the environment's interpreter lives in (``home`` of pyvenv.cfg)."""
        with contextlib.suppress(OSError):
            for line in (self.path / "pyvenv.cfg").read_text(encoding="utf-8").splitlines():
                key, _, value = line.partition("=")
                if key.strip() == "home" and value.strip():
                    return Path(value.strip()).parent
        return None


def env_root() -> Path:
    """Where environments are built: ``$GRADER_ENV_DIR`` or ``~/.cache/grader/envs``."""
    given = os.environ.get(ROOT_ENV)
    return Path(given) if given else Path.home() / ".cache" / "grader" / "envs"


def uv_binary() -> str:
    """The ``uv`` executable of the PyPI package."""
    import uv

    return str(uv.find_uv_bin())


_PROGRESS = re.compile(r"^\s*(Using|Creating|Resolved|Prepared|Installed|Downloading|Downloaded|Building|Built)\b")
"""uv's progress lines; its errors are said once, in one line, by ``explain_failure``."""


def run_command(argv: list[str], progress: Progress) -> tuple[int, str]:
    """Run ``argv``; its progress lines go to ``progress``; returns (exit code, all output)."""
    lines: list[str] = []
    try:
        process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True
        )
    except OSError as exc:
        return 127, str(exc)
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if _PROGRESS.match(line):
            progress(line.strip())
    return process.wait(), "\n".join(lines)


def load_built(path: Path) -> BuiltEnv | None:
    """The environment in ``path`` when it is complete (its record is written last), else None."""
    try:
        data = json.loads((path / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not (path / "bin" / "python").exists():
        return None
    return BuiltEnv(path, GradingEnvironment.from_json(data))


def built_envs(root: Path | None = None) -> list[BuiltEnv]:
    """Every complete environment under ``root``."""
    folder = root or env_root()
    found = [load_built(p) for p in sorted(folder.iterdir())] if folder.is_dir() else []
    return [b for b in found if b is not None]


def find_built(spec: EnvSpec, root: Path | None = None) -> BuiltEnv | None:
    """``spec``'s environment when it is built."""
    return load_built((root or env_root()) / spec.key)


@contextlib.contextmanager
def _locked(root: Path, key: str) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f".{key}.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(
    spec: EnvSpec,
    *,
    root: Path | None = None,
    find_links: str | None = None,
    runner: Runner | None = None,
    progress: Progress = lambda line: None,
) -> tuple[BuiltEnv, bool]:
    """``spec``'s environment, built unless it already is; returns (environment, built now?).
    ``runner`` runs uv (default: ``run_command``; tests pass a fake)."""
    folder = root or env_root()
    runner = runner or run_command
    final = folder / spec.key
    ready = load_built(final)
    if ready is not None:
        return ensure_source(ready), False
    with _locked(folder, spec.key):
        ready = load_built(final)  # another worker built it while this one waited
        if ready is not None:
            return ensure_source(ready), False
        for stale in folder.glob(f".{spec.key}.tmp-*"):  # a builder that died: nobody holds its lock
            shutil.rmtree(stale, ignore_errors=True)
        if final.exists():  # complete folders have a record: this one is broken
            shutil.rmtree(final, ignore_errors=True)
        tmp = folder / f".{spec.key}.tmp-{os.getpid()}"
        try:
            info, packages = _build_into(tmp, final, spec, find_links, runner, progress)
            write_json_atomic(tmp / RECORD, {**info.to_json(), "all_packages": packages}, indent=1)
            os.rename(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    built = load_built(final)
    if built is None:
        raise EnvironmentBuildError(f"environment {spec.name}: the build finished but {final} is incomplete")
    return built, True


def _build_into(
    tmp: Path, final: Path, spec: EnvSpec, find_links: str | None, runner: Runner, progress: Progress
) -> tuple[GradingEnvironment, dict[str, str]]:
    started = time.monotonic()
    uv = uv_binary()
    python = spec.python or sys.executable
    _run(runner, [uv, "venv", "--relocatable", "--python", python, str(tmp)], spec, progress)
    requirements = tmp / "grader-requirements.txt"
    requirements.write_text("\n".join([*spec.requirements, *KERNEL_REQUIREMENTS]) + "\n", encoding="utf-8")
    index = ["--no-index", "--find-links", str(Path(find_links).resolve())] if find_links else []
    interpreter = str(tmp / "bin" / "python")
    _run(runner, [uv, "pip", "install", "--python", interpreter, *index, "-r", str(requirements)], spec, progress)
    _link_source(tmp, final)
    code, frozen = runner([uv, "pip", "freeze", "--python", interpreter], lambda line: None)
    packages = _freeze(frozen) if code == 0 else {}
    version = _python_version(runner, interpreter)
    progress(f"environment {spec.name} built in {time.monotonic() - started:.0f} s")
    main = {"python": version, **{k: v for k, v in packages.items() if k in MAIN_PACKAGES}}
    return GradingEnvironment(name=spec.name, spec_hash=spec.spec_hash, packages=main), packages


def _run(runner: Runner, argv: list[str], spec: EnvSpec, progress: Progress) -> None:
    code, output = runner(argv, progress)
    if code != 0:
        raise EnvironmentBuildError(f"environment {spec.name}: {explain_failure(output)}")


_NETWORK = re.compile(
    r"dns error|failed to lookup address|connection refused|tcp connect error|error sending request|"
    r"network is unreachable|operation timed out|could not connect|temporary failure in name resolution",
    re.IGNORECASE,
)


def explain_failure(output: str) -> str:
    """uv's failure as one line: the index unreachable (and how to build offline), a spec
    that does not resolve (uv's own reason), or uv's last error line."""
    if "No solution found" in output or "unsatisfiable" in output:
        return f"the requirements do not resolve: {_resolver_reason(output)[:300]}"
    if _NETWORK.search(output):
        return (
            "cannot reach the package index; to build offline, download the wheels elsewhere "
            "(pip download -r SPEC -d DIR) and run: grader env build NAME --find-links DIR"
        )
    return _last_error(output)[:300] or "uv failed without a message"


def _resolver_reason(output: str) -> str:
    """uv's reason after "cause:" (plain output) or "╰─▶" (a terminal's), up to its hints."""
    for marker in ("╰─▶", "cause:"):
        if marker in output:
            reason = re.split(r"\n\s*(?:hint|help):", output.split(marker, 1)[1])[0]
            return " ".join(reason.split())
    return _last_error(output)


def _last_error(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error")]
    return " ".join((errors or lines or [""])[-1].split())


def _freeze(text: str) -> dict[str, str]:
    packages = {}
    for line in text.splitlines():
        name, sep, version = line.partition("==")
        if sep:
            packages[re.sub(r"[-_.]+", "-", name.strip()).lower()] = version.strip()
    return packages


def _python_version(runner: Runner, interpreter: str) -> str:
    code, output = runner([interpreter, "-c", "import platform; print(platform.python_version())"], lambda line: None)
    lines = output.strip().splitlines()
    return lines[-1].strip() if code == 0 and lines else "?"


def _link_source(env: Path, final: Path) -> None:
    """``grader-src/grader`` (a link to this grader's package) on the environment's path."""
    (env / SOURCE_DIR).mkdir(exist_ok=True)
    os.symlink(_PACKAGE_DIR, env / SOURCE_DIR / "grader")
    for site in (env / "lib").glob("python*/site-packages"):
        (site / PTH_NAME).write_text(f"{final / SOURCE_DIR}\n", encoding="utf-8")


def ensure_source(env: BuiltEnv) -> BuiltEnv:
    """Point the environment's ``grader`` link at this grader (several installs may share a cache)."""
    link = env.path / SOURCE_DIR / "grader"
    with contextlib.suppress(OSError):
        if os.readlink(link) == str(_PACKAGE_DIR):
            return env
    with contextlib.suppress(OSError):
        fresh = link.with_name(f".grader-{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            fresh.unlink()
        os.symlink(_PACKAGE_DIR, fresh)
        os.replace(fresh, link)  # atomic: a running kernel sees the old or the new link
    return env
