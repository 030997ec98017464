"""What of a submission folder may travel into a run: never anything a link leads to.

A submission folder (a GitHub Classroom repository, an unpacked download) may hold symbolic
links, hard links, devices, FIFOs and sockets.  Copying what they lead to would let a
notebook read a file of this machine - another student's, the rubric's, a key under ``~/.ssh``
- and print it into its report.  So a file handed in beside a notebook travels only when it
is a regular file with one name; the rest is left out, and the report says so (``LEFT_OUT``).
A notebook that is itself a link is graded only when its target lies inside the submission's
own folder (then from that target, a regular file); otherwise it is reported as a problem.

Nothing here opens a file: ``os.lstat`` never follows a link and never blocks on a FIFO.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

LINK, SPECIAL, HARD_LINK = "link", "special", "hard_link"
"""Why a file handed in was left out (``Submission.left_out``; the report's note says it)."""


def left_out_reason(path: Path) -> str | None:
    """Why ``path`` (a file handed in beside a notebook) must not be copied; None when it may."""
    try:
        info = os.lstat(path)
    except OSError:
        return SPECIAL
    if stat.S_ISLNK(info.st_mode):
        return LINK
    if not stat.S_ISREG(info.st_mode):
        return SPECIAL
    if info.st_nlink > 1:  # a hard link cannot be told from the original: it may be a file from outside
        return HARD_LINK
    return None


def submission_folder(path: Path, root: Path) -> Path:
    """The folder a notebook's submission is: a student's own folder under ``root`` (its first
    part), else ``root`` itself (a folder of many notebooks, or the folder of a file given)."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return path.parent
    return root / parts[0] if len(parts) > 1 else root


def notebook_source(path: Path, folder: Path) -> tuple[Path, str | None]:
    """The file whose bytes are the notebook ``path`` (found in the submission ``folder``), and
    why it cannot be graded (None when it can).

    A link is followed only to a regular file inside ``folder``; a device, FIFO or socket, a
    dangling link or one that leads outside is a problem, said in one line."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return path, f"cannot read the file ({exc.strerror})"
    source = path
    if stat.S_ISLNK(info.st_mode):
        real = Path(os.path.realpath(path))
        home = Path(os.path.realpath(folder))
        if not real.is_relative_to(home) or real == home:
            return path, "the notebook is a link to a file outside its submission folder, so it was not read"
        try:
            info = os.lstat(real)
        except OSError:
            return path, "the notebook is a link that leads to no file"
        source = real
    if not stat.S_ISREG(info.st_mode):
        return path, "the notebook is not a regular file (a folder, device, FIFO or socket), so it was not read"
    return source, None
