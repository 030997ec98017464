"""Offline datasets: put each file a notebook expects where it will look, before the kernel starts.

Every loader prefers the user's real file (``data_dir``, under its usual name) and checks it;
without one it stages an offline stand-in and says so in :attr:`StagedFile.note`.  Nothing is
ever downloaded.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import DatasetError
from .fashion import stage_fashion
from .hcv import stage_hcv
from .iris import stage_iris
from .mnist import stage_mnist
from .mnist_standin import VERSION as MNIST_STANDIN_VERSION
from .staged import StagedFile

__all__ = ["STANDIN_VERSIONS", "StagedFile", "dataset_names", "stage_datasets"]

STANDIN_VERSIONS = (MNIST_STANDIN_VERSION,)
"""Versions of the stand-ins whose content changes between grader releases: part of the key of
a cached run, so a run on an older stand-in is never reused."""

Stager = Callable[[Path, Path, Path | None], list[StagedFile]]

_STAGERS: dict[str, Stager] = {
    "hcv": lambda work, home, data_dir: stage_hcv(work, data_dir),
    "mnist": lambda work, home, data_dir: stage_mnist(home, data_dir),
    "fashion_mnist": lambda work, home, data_dir: stage_fashion(home, data_dir),
    "iris": lambda work, home, data_dir: stage_iris(work, home),
    # scikit-learn ships the digits inside the package: load_digits() needs no file
    "digits": lambda work, home, data_dir: [],
}


def dataset_names() -> list[str]:
    """The dataset names a rubric may ask for."""
    return list(_STAGERS)


def stage_datasets(names: Sequence[str], work: Path, home: Path, data_dir: Path | None = None) -> list[StagedFile]:
    """Stage each named dataset for a notebook running in ``work`` with ``home`` as HOME.

    Raises DatasetError for an unknown name or a real file in ``data_dir`` that is malformed.
    """
    keys = [_dataset_key(name) for name in names]  # every name checked before any write
    work, home = Path(work), Path(home)
    folder = Path(data_dir) if data_dir is not None else None
    if folder is not None and not folder.is_dir():
        raise DatasetError(f"the data directory {folder} does not exist")
    staged: list[StagedFile] = []
    for key in dict.fromkeys(keys):  # each dataset once, in the order asked
        staged.extend(_STAGERS[key](work, home, folder))
    return staged


def _dataset_key(name: str) -> str:
    key = name.strip().lower().replace("-", "_")
    if key in _STAGERS:
        return key
    close = difflib.get_close_matches(key, dataset_names(), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise DatasetError(f"unknown dataset {name!r}{hint} (known: {', '.join(dataset_names())})")
