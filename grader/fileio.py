"""Files written whole or not at all: a reader (or a crash) never leaves half of one.

Each writer goes through a temporary file in the target's folder (so ``os.replace`` is a
rename on one file system, never a copy) and removes it on any failure.

A file is private to its owner (0600) unless the caller asks for ``SHARED``: reports, class
pages and result files are read by the instructor's group (teaching assistants) and by a web
server, so they are written 0644 whatever the process's umask.  Files holding a run's token
or keys stay private.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

PRIVATE = 0o600
"""Only the owner reads it (a probe configuration with its token, a job file)."""
SHARED = 0o644
"""Anyone who can reach the folder reads it: reports, class pages, result files."""


def make_shared_dir(path: str | os.PathLike[str]) -> Path:
    """Create the folder ``path`` (and its parents) readable by all (0755) whatever the umask, so
    its ``SHARED`` files can be reached; a folder that already exists keeps its permissions."""
    folder = Path(path)
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    for created in missing:
        os.chmod(created, 0o755)
    return folder


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int = PRIVATE) -> Path:
    """Write ``data`` to ``path`` atomically (creating the folder) with permissions ``mode``;
    return the path."""
    target = Path(path)
    if mode & 0o044:  # readable by others: so must the folders be that it creates
        make_shared_dir(target.parent)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            # set on the open file, before the rename: the target never has other permissions
            os.fchmod(out.fileno(), mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str, *, mode: int = PRIVATE) -> Path:
    """Write ``text`` as UTF-8 atomically."""
    return write_bytes_atomic(path, text.encode("utf-8"), mode=mode)


def write_json_atomic(
    path: str | os.PathLike[str], data: object, indent: int | None = None, *, mode: int = PRIVATE
) -> Path:
    """Write ``data`` as JSON atomically."""
    return write_text_atomic(path, json.dumps(data, indent=indent, ensure_ascii=False), mode=mode)
