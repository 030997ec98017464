"""The record of one staged dataset file, and the small file helpers every loader shares."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from ..models.results import Message


@dataclass(frozen=True)
class StagedFile:
    """A dataset file put where a notebook will look for it."""

    dataset: str
    """Which dataset: "hcv", "mnist", "fashion_mnist", "iris" or "digits"."""
    path: Path
    """Where the file was put."""
    names: tuple[str, ...]
    """File names a notebook may open it by (for a Keras cache: the cache file name)."""
    standin: bool
    """True when this is the grader's offline stand-in, not the real data."""
    note: Message
    """One line for the student's report (a ``dataset.*`` code of the catalogue)."""


def copy_file(source: Path, target: Path) -> Path:
    """Copy ``source`` to ``target`` (creating folders); return ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # a copy, never a link: the notebook may write to its files, the user's originals stay intact
    shutil.copyfile(source, target)
    return target


def find_first(folder: Path | None, names: tuple[str, ...]) -> Path | None:
    """The first of ``names`` that exists as a file in ``folder``."""
    if folder is None:
        return None
    for name in names:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None
