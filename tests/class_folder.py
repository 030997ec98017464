"""A mixed class of 30 submissions made from the fastest examples (perceptron, activations):
good and flawed notebooks, a hostile one, a file that is not a notebook, and a student who
handed in twice.  Each file is named as Canvas names a download (``<login>_<user id>_<sub id>_<file>``)
and sits in a folder named after its rubric; each copy differs in its metadata only, so no
two are the same run for the evidence cache."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "submissions_example"
COPIES = 3
HOSTILE = "os_exit"
"""Ends its own kernel: graded as kernel_died, in seconds."""


@dataclass(frozen=True)
class MixedClass:
    folder: Path
    total: int
    duplicate_old: str
    """The report stem of the student's earlier submission (superseded)."""
    duplicate_new: str
    not_a_notebook: str
    hostile: str


def _copy(source: Path, target: Path, student: str, mtime: float) -> None:
    nb = nbformat.read(str(source), as_version=4)
    nb.metadata["handed_in_by"] = student  # another file, the same notebook
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(target))
    os.utime(target, (mtime, mtime))


def make_mixed_class(root: Path) -> MixedClass:
    """Write the class under ``root / "class"``; 30 submissions."""
    folder = root / "class"
    user = 1000
    count = 0
    for rubric in ("perceptron", "activations"):
        for copy in range(COPIES):
            for source in sorted((EXAMPLES / rubric).glob("*.ipynb")):
                user += 1
                login = f"{source.stem.replace('_', '')[:12]}{copy}"
                _copy(source, folder / rubric / f"{login}_{user}_{user}0_tugas.ipynb", str(user), 1_700_000_000.0)
                count += 1
    # the same student (user 1001) hands the perceptron in again, later: that one counts
    first = sorted((folder / "perceptron").glob("*_1001_*.ipynb"))[0]
    again = folder / "perceptron" / "ulang_1001_99990_tugas.ipynb"
    _copy(EXAMPLES / "perceptron" / "xor_tidak_dilatih.ipynb", again, "1001 again", 1_700_000_900.0)
    count += 1
    hostile_dir = folder / "hostile"
    hostile_dir.mkdir()
    shutil.copy(EXAMPLES / "hostile" / "rubric.yaml", hostile_dir / "rubric.yaml")
    hostile = hostile_dir / "jahat_3001_30010_tugas.ipynb"
    _copy(EXAMPLES / "hostile" / f"{HOSTILE}.ipynb", hostile, "3001", 1_700_000_000.0)
    count += 1
    broken = folder / "perceptron" / "rusak_4001_40010_tugas.ipynb"
    broken.write_text("this is a screenshot pasted into a .ipynb, not a notebook", encoding="utf-8")
    count += 1
    assert count == 30, count
    return MixedClass(
        folder=folder,
        total=count,
        duplicate_old=f"perceptron__{first.stem}",
        duplicate_new=f"perceptron__{again.stem}",
        not_a_notebook=f"perceptron__{broken.stem}",
        hostile=f"hostile__{hostile.stem}",
    )
