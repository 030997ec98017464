"""Intake stage: find the notebooks in what was handed in and say whose they are.

Accepts a single .ipynb, a folder (of notebooks, or of one folder per student), or an LMS
download zip, unpacked safely (:mod:`.archive`) for as long as :func:`open_submissions` is
open, with each student's own zip in it unpacked one level.  Student ids come from LMS
file-name conventions:

* Moodle:  ``Ayu Lestari_123456_assignsubmission_file_/tugas.ipynb``  -> ``123456``
* Canvas:  ``lestariayu_98765_4321_tugas.ipynb`` (late: ``lestariayu_LATE_98765_...``) -> ``98765``
* Gradescope: ``submission_1234567/...`` -> ``1234567``
* otherwise the file's (or its folder's) name.

When the LMS says when it was handed in, that time is kept (:mod:`.lms_times`: Gradescope's
``submission_metadata.json``); Canvas's ``LATE`` marker is kept as ``marked_late``.
"""

from __future__ import annotations

import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import nbformat

from ..errors import SubmissionError
from ..models.lms import CANVAS_FILE, MOODLE_FOLDER, canvas_marked_late
from ..models.submission import Submission
from .archive import ArchiveRefused, ZipLimits, unpack_download
from .files import left_out_reason, notebook_source, submission_folder
from .lms_times import submitted_at

DEFAULT_LIMITS = ZipLimits()
MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024
_MOODLE = MOODLE_FOLDER
_CANVAS = CANVAS_FILE
_GRADESCOPE = re.compile(r"^submission_(?P<id>\d+)$")
SKIP_DIRS = {".ipynb_checkpoints", "__MACOSX", "__pycache__", ".git"}

__all__ = ["ZipLimits", "collect_submissions", "open_submissions", "read_notebook_problem", "student_id"]


def student_id(path: Path, root: Path) -> str | None:
    """The student id implied by an LMS file or folder name (None for a plain file)."""
    relative = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    for part in [*relative.parts[:-1]][::-1]:
        for pattern in (_MOODLE, _GRADESCOPE):
            match = pattern.match(part)
            if match:
                return match.group("id")
    match = _CANVAS.match(path.name)
    if match:
        return match.group("id")
    # a folder per student names the student; a folder of many notebooks (an exercise) does not
    if len(relative.parts) > 1 and path.parent.is_dir() and len(list(path.parent.glob("*.ipynb"))) == 1:
        return relative.parts[0]
    return None


def read_notebook_problem(path: Path) -> str | None:
    """Why ``path`` is not a gradable notebook, in one line; None when it is fine."""
    try:
        info = path.stat()
    except OSError as exc:
        return f"cannot read the file ({exc.strerror})"
    if not stat.S_ISREG(info.st_mode):  # reading a FIFO or a device would never end
        return "the notebook is not a regular file (a folder, device, FIFO or socket), so it was not read"
    size = info.st_size
    if size > MAX_NOTEBOOK_BYTES:
        return f"the notebook is {size // (1024 * 1024)} MB, over the {MAX_NOTEBOOK_BYTES // (1024 * 1024)} MB limit"
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        return f"not a valid Jupyter notebook ({first})"
    if not any(c.cell_type == "code" for c in nb.cells):
        return "the notebook has no code cells"
    return None


def _notebooks(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        if not any(part in SKIP_DIRS or part.startswith(".") for part in path.relative_to(folder).parts):
            found.append(path)
    return found


def open_submissions(
    given: Path, warn: Callable[[str], None] = lambda line: None, *, limits: ZipLimits = DEFAULT_LIMITS
) -> AbstractContextManager[list[Submission]]:
    """Every notebook in ``given`` (file, folder or LMS download zip) as a Submission, for the
    length of a ``with`` block: a zip is unpacked into a temporary folder that is removed when
    the block ends, however it ends (grading done, an error, Ctrl-C).  What a zip held that was
    not unpacked (unsafe or oversized entries) is said through ``warn``, one line each kind."""
    if not given.exists():
        raise SubmissionError(f"{given}: no such file or folder")
    if given.is_file() and given.suffix.lower() == ".zip":
        return _unpacked(given, warn, limits)
    return nullcontext(collect_submissions(given))


@contextmanager
def _unpacked(archive: Path, warn: Callable[[str], None], limits: ZipLimits) -> Iterator[list[Submission]]:
    scratch = Path(tempfile.mkdtemp(prefix="grader-intake-"))
    try:
        try:
            lost = unpack_download(archive, scratch, warn, limits)
        except ArchiveRefused as refused:
            raise SubmissionError(f"{archive.name}: {refused}") from None
        yield _found(archive, scratch, lost)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def collect_submissions(given: Path) -> list[Submission]:
    """Every notebook in ``given`` (a file or a folder) as a Submission; a zip is opened with
    :func:`open_submissions`, which removes its unpacked copy when done."""
    if not given.exists():
        raise SubmissionError(f"{given}: no such file or folder")
    if given.is_file() and given.suffix.lower() == ".zip":
        raise ValueError(f"{given}: a zip is opened with open_submissions(), which removes what it unpacks")
    if given.is_file():
        if given.suffix.lower() != ".ipynb":
            return [Submission(path=given, display=str(given), problem="not a .ipynb notebook")]
        return [_submission(given, given.parent, str(given))]
    return _found(given, given)


def _found(given: Path, root: Path, lost: Sequence[tuple[Path, str]] = ()) -> list[Submission]:
    """The notebooks under ``root``, the folder ``given`` or where the zip ``given`` was unpacked;
    a notebook the zip held but that was not unpacked (``lost``) is listed too, as ungradable,
    so its student is not missing from the results."""
    found = [
        Submission(
            path=root / where,
            display=str(given / where),
            student=student_id(root / where, root),
            problem=f"the notebook could not be unpacked from the zip ({why})",
            marked_late=canvas_marked_late(where.name),
        )
        for where, why in lost
    ]
    for path in _notebooks(root):
        display = str(given / path.relative_to(root)) if root != given else str(path)
        found.append(_submission(path, root, display))
    if not found:
        raise SubmissionError(f"{given}: no .ipynb notebooks found")
    return sorted(found, key=lambda s: s.path)


GRADER_FILES = ("rubric.yaml", "rubric.yml")
"""Instructor files that must never travel into a student's workspace."""


def _submission(path: Path, root: Path, display: str) -> Submission:
    """One notebook found under ``root``: read only through a link that stays inside its own
    submission folder; the files beside it that may travel, and those left out."""
    source, problem = notebook_source(path, submission_folder(path, root))
    siblings, left_out = _siblings(path, root)
    return Submission(
        path=path,
        display=display,
        student=student_id(path, root),
        siblings=siblings,
        problem=problem or read_notebook_problem(source),
        source=source if source != path else None,
        left_out=left_out,
        submitted_at=submitted_at(path, root),
        marked_late=canvas_marked_late(path.name),
    )


def _siblings(notebook: Path, root: Path) -> tuple[tuple[Path, ...], tuple[tuple[str, str], ...]]:
    """Data files handed in with a notebook: only when its folder is its own (the folder holds no
    other notebook), and never rubrics or expected results; and (name, why) of the files there
    that are links (to files or folders), devices, FIFOs, sockets or hard links, left out."""
    folder = notebook.parent
    if len(list(folder.glob("*.ipynb"))) > 1:
        return (), ()  # a folder shared by several submissions: nothing beside a notebook is its own
    kept: list[Path] = []
    left_out: list[tuple[str, str]] = []
    for p in sorted(folder.iterdir()):
        if p.suffix.lower() == ".ipynb" or p.name.startswith(".") or p.name in GRADER_FILES:
            continue
        if p.name.endswith(".expected.json") or (p.is_dir() and not p.is_symlink()):
            continue
        why = left_out_reason(p)
        if why is None:
            kept.append(p)
        else:
            left_out.append((p.name, why))
    return tuple(kept), tuple(left_out)
