"""Unpacking an LMS download zip, entry by entry, as untrusted input.

An entry that is unsafe (an absolute name, a ``..`` component, a NUL byte, a symbolic link, a
device or pipe), that would unpack too large (a possible zip bomb) or that cannot be read is
skipped and named in one warning line per kind; the rest is unpacked and graded.  Only a zip
whose entry count is absurd, or that is no zip at all, is refused whole.  Links are never
followed or created: every file is created fresh, by ourselves, under a folder we made.

After the download itself, each student's own zip in it (a zip inside a student's folder) is
unpacked one level, by the same rules and out of the same size budget, into a folder beside it;
zips inside that stay zips.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MB = 1024 * 1024
_CHUNK = 256 * 1024
_UNSAFE_TYPES = (stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK)
_DRIVE = re.compile(r"^[A-Za-z]:")
_NOT_UNPACKED = {"__MACOSX"}  # macOS resource forks: never a submission, only size


@dataclass(frozen=True)
class ZipLimits:
    """How much a download zip (with the students' own zips in it) may unpack to."""

    max_entries: int = 100_000
    """Entries in one zip; more is refused whole (a class of 500 with data folders is far less)."""
    max_total_bytes: int = 1024 * MB
    """Bytes unpacked from the download and every student zip in it, together."""
    max_ratio: int = 100
    """Unpacked size over packed size of one entry; text deflates ~5-10:1, a bomb ~1000:1."""
    ratio_free_bytes: int = 1 * MB
    """Entries up to this size may compress any amount (a notebook of repeated output lines)."""


class ArchiveRefused(Exception):
    """A zip that is refused whole: not a zip, or an absurd number of entries."""


@dataclass
class _Skipped:
    """Entries not unpacked, by kind, each with its reason."""

    unsafe: list[tuple[str, str]] = field(default_factory=list)
    too_large: list[tuple[str, str]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    lost_notebooks: list[tuple[Path, str]] = field(default_factory=list)
    """Notebooks (where they would be, relative to the folder unpacked into) that were not."""

    def lines(self, label: str) -> list[str]:
        kinds = (
            (self.unsafe, "skipped {n} unsafe {entries} (not unpacked)"),
            (self.too_large, "refused {n} {entries} that would unpack too large (a possible zip bomb)"),
            (self.unreadable, "skipped {n} {entries} that could not be unpacked"),
        )
        return [
            f"{label}: {text.format(n=len(found), entries=_entries(len(found)))}: {_names(found)}"
            for found, text in kinds
            if found
        ]


@dataclass
class _Budget:
    """Bytes still allowed to be unpacked, shared by the download and the zips inside it."""

    limit: int
    used: int = 0

    @property
    def left(self) -> int:
        return self.limit - self.used


def unpack_download(
    archive: Path, target: Path, warn: Callable[[str], None], limits: ZipLimits
) -> list[tuple[Path, str]]:
    """Unpack ``archive`` into the empty folder ``target``, then each student's own zip in it
    one level; warn (one line per kind of problem) about what was left out.  Returns the
    notebooks that were left out for their size or damage (where each would be, relative to
    ``target``, and why), so their students are still listed.  Raises :class:`ArchiveRefused`
    when the download itself is refused whole."""
    budget = _Budget(limits.max_total_bytes)
    skipped = _unpack(archive, target, limits, budget)
    _report(archive.name, skipped, warn)
    lost = list(skipped.lost_notebooks)
    zips = [
        p
        for p in sorted(target.rglob("*"))
        if p.suffix.lower() == ".zip"
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(target).parts)
    ]
    at_top = [p.name for p in zips if p.parent == target]
    if at_top:
        warn(
            f"{archive.name}: {len(at_top)} zip{'s' if len(at_top) > 1 else ''} at the top of the download "
            f"{'were' if len(at_top) > 1 else 'was'} not unpacked (only a zip inside a student's folder is): "
            + _names((name, "") for name in at_top)
        )
    for inner in (p for p in zips if p.parent != target):
        label = f"{archive.name}/{inner.relative_to(target).as_posix()}"
        folder = _free_folder(inner.parent / inner.stem)
        try:
            skipped = _unpack(inner, folder, limits, budget)
        except ArchiveRefused as refused:
            warn(f"{label}: {refused}; that zip was not unpacked")
            continue
        _report(label, skipped, warn)
        lost += [(folder.relative_to(target) / where, why) for where, why in skipped.lost_notebooks]
    return lost


def _report(label: str, skipped: _Skipped, warn: Callable[[str], None]) -> None:
    for line in skipped.lines(label):
        warn(line)


def _unpack(archive: Path, target: Path, limits: ZipLimits, budget: _Budget) -> _Skipped:
    skipped = _Skipped()
    try:
        _refuse_absurd_count(archive, limits)
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_entries:
                raise ArchiveRefused(_too_many(len(infos), limits))
            target.mkdir(parents=True, exist_ok=True)
            # notebooks first: a full budget then costs a data file, never a student's grade
            for info in sorted(infos, key=lambda i: not i.filename.lower().endswith(".ipynb")):
                _unpack_entry(zf, info, target, limits, budget, skipped)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise ArchiveRefused("not a valid zip file") from None
    except OSError as exc:
        raise ArchiveRefused(f"cannot be read ({exc.strerror or exc})") from None
    return skipped


def _unpack_entry(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: ZipLimits, budget: _Budget, skipped: _Skipped
) -> None:
    name = info.orig_filename
    why = _unsafe(info)
    if why:
        skipped.unsafe.append((name, why))
        return
    parts = _parts(name)
    if not parts or parts[0] in _NOT_UNPACKED:
        return
    destination = target.joinpath(*parts)
    if info.is_dir():
        try:
            destination.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            skipped.unreadable.append((name, f"cannot be created: {exc.strerror}"))
        return
    why = _too_large(info, limits, budget)
    if why:
        skipped.too_large.append((name, why))
    else:
        try:
            budget.used += _write(zf, info, destination, _cap(info, limits, budget))
            return
        except FileExistsError:
            skipped.unreadable.append((name, "its name comes twice in the zip; the first was kept"))
            return
        except _PastCap:
            why = f"unpacks past its declared {_mb(info.file_size)}"
            skipped.too_large.append((name, why))
        except (
            zipfile.BadZipFile,
            EOFError,
            zlib.error,
            ValueError,
            NotImplementedError,
            RuntimeError,
            OSError,
        ) as exc:
            why = _unreadable(exc)
            skipped.unreadable.append((name, why))
    if destination.suffix.lower() == ".ipynb":
        skipped.lost_notebooks.append((destination.relative_to(target), why))


def _cap(info: zipfile.ZipInfo, limits: ZipLimits, budget: _Budget) -> int:
    """The most bytes an entry may unpack to: declared sizes can lie, so never past them."""
    cap = min(info.file_size, budget.left)
    if info.file_size > limits.ratio_free_bytes:
        cap = min(cap, max(limits.ratio_free_bytes, info.compress_size * limits.max_ratio))
    return cap


def _unreadable(exc: BaseException) -> str:
    """Why zipfile (or the disk) could not give an entry's bytes, in a few words."""
    if isinstance(exc, NotImplementedError):
        return "packed with a compression method Python cannot read"
    if isinstance(exc, RuntimeError) and "encrypt" in str(exc):  # "File ... is encrypted, password required"
        return "encrypted"
    if isinstance(exc, OSError):
        return f"cannot be written: {exc.strerror or exc}"
    said = re.sub(r" for file .*$", "", str(exc))[:80]  # zipfile repeats the name
    return f"damaged: {said or type(exc).__name__}"


def _unsafe(info: zipfile.ZipInfo) -> str | None:
    """Why an entry must not be unpacked at all; None when its name and type are safe."""
    name = info.orig_filename
    kind = stat.S_IFMT(info.external_attr >> 16)
    if "\0" in name:
        return "a NUL byte in its name"
    if kind == stat.S_IFLNK:
        return "a symbolic link"
    if kind in _UNSAFE_TYPES:
        return "a device or pipe, not a file"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "absolute path"
    if ".." in re.split(r"[/\\]", name):
        return "leads outside the folder with '..'"
    return None


def _parts(name: str) -> tuple[str, ...]:
    """An entry name as path parts; backslashes (old Windows zip tools) separate too."""
    return tuple(p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", ".", "/"))


def _too_large(info: zipfile.ZipInfo, limits: ZipLimits, budget: _Budget) -> str | None:
    """Why the sizes an entry declares make it a possible bomb; None when they are fine."""
    size = info.file_size
    if size > limits.ratio_free_bytes and size > limits.max_ratio * max(info.compress_size, 1):
        return f"unpacks to {size // max(info.compress_size, 1)}x its packed size, limit {limits.max_ratio}x"
    if size > budget.left:
        return f"its {_mb(size)} would exceed the {_mb(budget.limit)} limit for the whole download"
    return None


class _PastCap(Exception):
    """An entry produced more bytes than it may."""


def _write(zf: zipfile.ZipFile, info: zipfile.ZipInfo, destination: Path, cap: int) -> int:
    """Stream one entry into a new file, never more than ``cap`` bytes; returns the bytes written.
    A file left incomplete is removed."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: a name seen twice in the zip keeps its first file; O_NOFOLLOW: never through a link
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    written = 0
    try:
        with os.fdopen(fd, "wb") as out, zf.open(info) as source:
            # one byte past the cap is read: at the cap it must be the end (where the CRC is checked)
            while chunk := source.read(min(_CHUNK, cap + 1 - written)):
                written += len(chunk)
                if written > cap:
                    raise _PastCap
                out.write(chunk)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    return written


def _refuse_absurd_count(archive: Path, limits: ZipLimits) -> None:
    """Refuse before ``zipfile`` reads a central directory of millions of entries into memory:
    the end-of-central-directory record declares the count and the directory's size."""
    with archive.open("rb") as fp:
        fp.seek(0, os.SEEK_END)
        size = fp.tell()
        fp.seek(max(0, size - 65_557))  # the record (22 bytes) and a comment of at most 64 KiB
        tail = fp.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return  # zipfile says what is wrong with it
    entries, directory_bytes = struct.unpack_from("<H", tail, at + 10)[0], struct.unpack_from("<I", tail, at + 12)[0]
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:
        return  # zip64: the real figures are elsewhere; the count is checked once zipfile has read them
    if entries > limits.max_entries:
        raise ArchiveRefused(_too_many(entries, limits))
    # each directory record is at least 46 bytes plus its name; 1 KiB a record is generous
    if directory_bytes > limits.max_entries * 1024:
        raise ArchiveRefused(f"its table of contents is {_mb(directory_bytes)}; refused whole as a possible zip bomb")


def _too_many(count: int, limits: ZipLimits) -> str:
    return (
        f"the zip holds {count} entries, over the limit of {limits.max_entries}; refused whole as a possible zip bomb"
    )


def _free_folder(wanted: Path) -> Path:
    """``wanted``, or ``wanted_2``, ``wanted_3``... whichever does not exist yet."""
    candidate, number = wanted, 1
    while candidate.exists():
        number += 1
        candidate = wanted.with_name(f"{wanted.name}_{number}")
    return candidate


def _entries(n: int) -> str:
    return "entry" if n == 1 else "entries"


def _names(found: Iterable[tuple[str, str]], most: int = 10) -> str:
    """Entries as one line: each name quoted (control characters escaped), its reason after it."""
    listed = list(found)
    shown = [repr(name[:160]) + (f" ({why})" if why else "") for name, why in listed[:most]]
    more = f", and {len(listed) - most} more" if len(listed) > most else ""
    return ", ".join(shown) + more


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"
