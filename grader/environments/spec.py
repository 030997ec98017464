"""An environment spec: a pinned requirements list (one per line, ``#`` comments) with an
optional ``# python: 3.11`` line, named by its file name; hashed to key its build."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError

SPEC_SUFFIX = ".txt"
KERNEL_REQUIREMENTS = ("ipykernel", "nbclient", "nbformat", "numpy", "skops")
"""What the grader's own code needs in the kernel's environment (worker, runner, probe; the probe
saves scikit-learn models with skops so the grader can load them back without pickle)."""
BUILD_FORMAT = 1
"""Bumped when the way an environment is built changes: every spec hashes anew."""
_PYTHON = re.compile(r"^#\s*python\s*:\s*(\S+)\s*$", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class EnvSpec:
    """A parsed spec: its name, the Python it asks for and its requirement lines."""

    name: str
    requirements: tuple[str, ...]
    python: str | None = None
    source: str | None = None

    @property
    def spec_hash(self) -> str:
        """12 hex digits of what decides the build: requirements, Python, kernel needs, build format."""
        text = "\n".join(
            [f"format={BUILD_FORMAT}", f"python={self.python or ''}", *self.requirements, "--", *KERNEL_REQUIREMENTS]
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]

    @property
    def key(self) -> str:
        """The cache folder's name: ``<name>-<hash>``."""
        return f"{self.name}-{self.spec_hash}"


def parse_spec(text: str, name: str, source: str | None = None) -> EnvSpec:
    """Parse a spec's text; comments and blank lines are dropped, options (``-r``, ``--index-url``) refused."""
    if not _NAME.match(name):
        raise ConfigError(f"environment name {name!r}: use letters, digits, '.', '_' or '-'")
    python = None
    requirements: list[str] = []
    where = source or name
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        found = _PYTHON.match(line)
        if found:
            python = found.group(1)
            continue
        line = line.split(" #", 1)[0].strip() if not line.startswith("#") else ""
        if not line:
            continue
        if line.startswith("-"):
            raise ConfigError(f"{where}, line {number}: options ({line.split()[0]}) are not allowed in a spec")
        requirements.append(line)
    if not requirements:
        raise ConfigError(f"{where}: the environment spec names no packages")
    return EnvSpec(name=name, requirements=tuple(requirements), python=python, source=source)


def bundled_specs_dir() -> Path:
    """The bundled ``environments/`` folder: the wheel's copy, else the checkout's."""
    inside = _PACKAGE / "_bundled" / "environments"
    return inside if inside.is_dir() else _PACKAGE.parent / "environments"


def bundled_names() -> list[str]:
    """Names of the bundled environments."""
    folder = bundled_specs_dir()
    return sorted(p.stem for p in folder.glob(f"*{SPEC_SUFFIX}")) if folder.is_dir() else []


def find_spec(name_or_path: str, base: Path | None = None) -> EnvSpec:
    """A spec by bundled name or by path (relative to ``base``, e.g. the rubric's folder)."""
    given = Path(name_or_path)
    if given.suffix or "/" in name_or_path:
        path = given if given.is_absolute() or base is None else base / given
        if not path.is_file() and base is not None and given.is_file():
            path = given
        if not path.is_file():
            raise ConfigError(f"environment spec not found: {name_or_path}")
        return read_spec(path)
    path = bundled_specs_dir() / f"{name_or_path}{SPEC_SUFFIX}"
    if path.is_file():
        return read_spec(path)
    names = bundled_names()
    close = difflib.get_close_matches(name_or_path, names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ConfigError(f"no environment named {name_or_path!r}{hint}; bundled: {', '.join(names) or 'none'}")


def read_spec(path: Path) -> EnvSpec:
    """The spec in ``path``, named by its file name."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the environment spec ({exc})") from None
    return parse_spec(text, path.stem, str(path.resolve()))
