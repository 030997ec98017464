"""Where the bundled rubrics and reference notebooks live (a checkout or an installed wheel)."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from ..errors import ConfigError

_PACKAGE = Path(__file__).resolve().parent.parent


def bundled_dir(kind: str) -> Path:
    """``rubrics`` or ``reference``: the wheel's copy, else the checkout's top-level folder."""
    inside = _PACKAGE / "_bundled" / kind
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / kind


def rubric_names() -> list[str]:
    """Names of the bundled rubrics."""
    folder = bundled_dir("rubrics")
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def find_rubric(name_or_path: str) -> Path:
    """A rubric file from a path or a bundled rubric's name."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or os.sep in name_or_path:
        if candidate.is_file():
            return candidate
        raise ConfigError(f"rubric file not found: {name_or_path}")
    path = bundled_dir("rubrics") / f"{name_or_path}.yaml"
    if path.is_file():
        return path
    names = rubric_names()
    close = difflib.get_close_matches(name_or_path, names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ConfigError(f"no rubric named {name_or_path!r}{hint}; bundled: {', '.join(names) or 'none'}")
