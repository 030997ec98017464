"""LMS download zips as they come: unsafe entries and zip bombs skipped one by one (the rest is
graded), a student's own zip unpacked one level, and the unpacked copy removed however grading
ends.  Every zip here is built with ``zipfile`` in the test, some with hand-patched bytes."""

from __future__ import annotations

import io
import random
import stat
import struct
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader.errors import SubmissionError
from grader.intake import ZipLimits, open_submissions

AYU = "Ayu Lestari_123456_assignsubmission_file_"
BUDI = "Budi Santoso_222_assignsubmission_file_"


def notebook_bytes(source: str = "print(1)") -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(source))
    return nbformat.writes(nb).encode()


def make_zip(path: Path, entries: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def add_special(path: Path, name: str, mode: int, data: bytes = b"") -> None:
    """Append an entry whose Unix mode (external_attr) says symlink, FIFO, device..."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = mode << 16
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(info, data)


def patch_declared_size(path: Path, name: str, size: int) -> None:
    """Make the zip lie: the uncompressed size of ``name`` in its local header and central
    directory set to ``size`` (the data and CRC stay as they were)."""
    raw = bytearray(path.read_bytes())
    encoded = name.encode()
    patched = 0
    for signature, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        start = 0
        while (pos := raw.find(signature, start)) >= 0:
            start = pos + 4
            (length,) = struct.unpack_from("<H", raw, pos + name_len_at)
            if bytes(raw[pos + name_at : pos + name_at + length]) == encoded:
                struct.pack_into("<I", raw, pos + size_at, size)
                patched += 1
    assert patched == 2
    path.write_bytes(bytes(raw))


def rename_bytes(path: Path, old: bytes, new: bytes) -> None:
    assert len(old) == len(new)
    raw = path.read_bytes()
    assert raw.count(old) == 2  # local header and central directory
    path.write_bytes(raw.replace(old, new))


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """The system temporary folder, redirected so the test sees what intake leaves behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def leftovers(scratch: Path) -> list[str]:
    return sorted(p.name for p in scratch.iterdir())


def test_unsafe_entries_are_skipped_with_one_warning_and_the_rest_is_graded(tmp_path, scratch):
    archive = make_zip(
        tmp_path / "download.zip",
        {
            f"{AYU}/tugas.ipynb": notebook_bytes(),
            f"{BUDI}/hcv.ipynb": notebook_bytes(),
            "../../escaped.ipynb": notebook_bytes(),
            "/etc/absolute.ipynb": notebook_bytes(),
            f"{BUDI}/../../../up.ipynb": notebook_bytes(),
            "C:/windows/drive.ipynb": notebook_bytes(),
            "..\\..\\backslash.ipynb": notebook_bytes(),
            "nulXname.ipynb": notebook_bytes(),
        },
    )
    add_special(archive, f"{AYU}/link.ipynb", stat.S_IFLNK | 0o777, b"/etc/passwd")
    add_special(archive, f"{AYU}/fifo", stat.S_IFIFO | 0o644)
    add_special(archive, f"{AYU}/dev", stat.S_IFCHR | 0o644)
    rename_bytes(archive, b"nulXname", b"nul\x00name")  # last: appending would rewrite the name
    warnings: list[str] = []
    with open_submissions(archive, warnings.append) as found:
        assert sorted(s.student for s in found) == ["123456", "222"]
        root = found[0].path.parents[1]
        assert root.parent == scratch
        unpacked = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
        assert unpacked == sorted([AYU, f"{AYU}/tugas.ipynb", BUDI, f"{BUDI}/hcv.ipynb"])
        assert not (tmp_path / "escaped.ipynb").exists() and not (scratch / "escaped.ipynb").exists()
    assert len(warnings) == 1, warnings
    line = warnings[0]
    assert "\n" not in line and line.startswith("download.zip: skipped 9 unsafe entries")
    for named in (
        "'../../escaped.ipynb' (leads outside",
        "'/etc/absolute.ipynb' (absolute path)",
        "'C:/windows/drive.ipynb' (absolute path)",
        "'..\\\\..\\\\backslash.ipynb' (leads outside",
        f"'{BUDI}/../../../up.ipynb' (leads outside",
        "'nul\\x00name.ipynb' (a NUL byte in its name)",
        f"'{AYU}/link.ipynb' (a symbolic link)",
        f"'{AYU}/fifo' (a device or pipe",
        f"'{AYU}/dev' (a device or pipe",
    ):
        assert named in line, named
    assert leftovers(scratch) == []


def test_a_ratio_bomb_entry_is_refused_and_named(tmp_path, scratch):
    bomb = b"\0" * (20 * 2**20)  # 20 MB of zeros: deflates about 1000:1
    archive = make_zip(tmp_path / "download.zip", {f"{AYU}/tugas.ipynb": notebook_bytes(), f"{AYU}/weights.bin": bomb})
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(f"{AYU}/weights.bin")
        assert info.file_size / info.compress_size > 900
    warnings: list[str] = []
    with open_submissions(archive, warnings.append) as found:
        assert [s.student for s in found] == ["123456"]
        assert [p.name for p in found[0].siblings] == []
        assert not (found[0].path.parent / "weights.bin").exists()
    assert len(warnings) == 1
    assert warnings[0].startswith("download.zip: refused 1 entry that would unpack too large (a possible zip bomb)")
    assert f"'{AYU}/weights.bin' (unpacks to" in warnings[0] and "its packed size, limit 100x" in warnings[0]


def test_a_notebook_left_out_still_lists_its_student_as_ungradable(tmp_path, scratch):
    # Ayu's notebook is a ratio bomb; Budi's own zip holds a good notebook and a damaged one
    inner = tmp_path / "inner.zip"
    inner.write_bytes(zip_bytes({"hw.ipynb": notebook_bytes(), "lie.ipynb": notebook_bytes("1 + 1")}))
    patch_declared_size(inner, "lie.ipynb", 10)
    bomb = b"\0" * (20 * 2**20)
    archive = make_zip(tmp_path / "download.zip", {f"{AYU}/tugas.ipynb": bomb, f"{BUDI}/tugas.zip": inner.read_bytes()})
    with open_submissions(archive) as found:
        shown = {Path(s.display).relative_to(archive).as_posix(): s for s in found}
        assert sorted(shown) == [f"{AYU}/tugas.ipynb", f"{BUDI}/tugas/hw.ipynb", f"{BUDI}/tugas/lie.ipynb"]
        ayu, lie = shown[f"{AYU}/tugas.ipynb"], shown[f"{BUDI}/tugas/lie.ipynb"]
        assert ayu.student == "123456" and not ayu.path.exists()
        assert ayu.problem.startswith("the notebook could not be unpacked from the zip (unpacks to ")
        assert (
            lie.student == "222"
            and lie.problem == "the notebook could not be unpacked from the zip (damaged: Bad CRC-32)"
        )
        assert shown[f"{BUDI}/tugas/hw.ipynb"].problem is None


def test_small_entries_may_compress_well(tmp_path, scratch):
    # a notebook of repeated output lines compresses far past 100:1 and is no bomb
    archive = make_zip(tmp_path / "d.zip", {f"{AYU}/tugas.ipynb": notebook_bytes("print('x')\n" * 20000)})
    warnings: list[str] = []
    with open_submissions(archive, warnings.append) as found:
        assert len(found) == 1 and found[0].problem is None
    assert warnings == []


def test_the_total_budget_refuses_entries_past_it_notebooks_first(tmp_path, scratch):
    data = random.Random(0).randbytes(2**20)  # 1 MiB that does not compress
    archive = make_zip(
        tmp_path / "download.zip",
        {
            f"{AYU}/a.csv": data,
            f"{AYU}/b.csv": data,
            f"{AYU}/tugas.ipynb": notebook_bytes(),
            f"{BUDI}/hcv.ipynb": notebook_bytes(),
        },
    )
    limits = ZipLimits(max_total_bytes=int(1.5 * 2**20))
    warnings: list[str] = []
    with open_submissions(archive, warnings.append, limits=limits) as found:
        # the notebooks are unpacked before any data file, so the budget never costs a student a grade
        assert sorted(s.student for s in found) == ["123456", "222"]
        ayu = next(s for s in found if s.student == "123456")
        assert [p.name for p in ayu.siblings] == ["a.csv"]
        assert ayu.siblings[0].stat().st_size == len(data)
    assert len(warnings) == 1
    assert f"'{AYU}/b.csv' (its 1.0 MB would exceed the 1.5 MB limit for the whole download)" in warnings[0]


def test_a_lying_declared_size_stops_the_entry_at_that_size(tmp_path, scratch):
    archive = make_zip(
        tmp_path / "download.zip",
        {f"{AYU}/tugas.ipynb": notebook_bytes(), f"{AYU}/data.csv": b"1,2,3\n" * 200_000},
    )
    patch_declared_size(archive, f"{AYU}/data.csv", 1000)  # 1.2 MB of data declared as 1000 bytes
    warnings: list[str] = []
    with open_submissions(archive, warnings.append) as found:
        assert [s.student for s in found] == ["123456"]
        folder = found[0].path.parent
        assert not (folder / "data.csv").exists()  # never written past 1000 bytes, then dropped
    assert len(warnings) == 1
    assert warnings[0].startswith("download.zip: skipped 1 entry that could not be unpacked")
    assert f"'{AYU}/data.csv' (damaged" in warnings[0]


def test_a_name_that_comes_twice_keeps_its_first_file(tmp_path, scratch):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"{AYU}/tugas.ipynb", notebook_bytes("print('first')"))
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr(f"{AYU}/tugas.ipynb", notebook_bytes("print('second')"))
    warnings: list[str] = []
    with open_submissions(archive, warnings.append) as found:
        assert len(found) == 1 and "first" in found[0].path.read_text()
    assert warnings == [
        f"download.zip: skipped 1 entry that could not be unpacked: '{AYU}/tugas.ipynb' "
        "(its name comes twice in the zip; the first was kept)"
    ]


def test_a_declared_size_past_the_budget_is_refused_before_writing(tmp_path, scratch):
    archive = make_zip(
        tmp_path / "download.zip",
        {f"{AYU}/tugas.ipynb": notebook_bytes(), f"{AYU}/data.csv": b"1,2,3\n" * 1000},
    )
    patch_declared_size(archive, f"{AYU}/data.csv", 3 * 2**30)  # claims 3 GB
    warnings: list[str] = []
    with open_submissions(archive, warnings.append) as found:
        assert not (found[0].path.parent / "data.csv").exists()
    assert len(warnings) == 1 and f"'{AYU}/data.csv' (" in warnings[0] and "zip bomb" in warnings[0]


def test_a_zip_with_an_absurd_entry_count_is_refused_whole(tmp_path, scratch):
    archive = make_zip(tmp_path / "many.zip", {f"{AYU}/f{i}.txt": b"" for i in range(60)})
    with (
        pytest.raises(SubmissionError, match=r"many\.zip: the zip holds 60 entries, over the limit of 50"),
        open_submissions(archive, limits=ZipLimits(max_entries=50)),
    ):
        pass
    assert leftovers(scratch) == []


def test_an_entry_count_that_lies_is_caught_once_read(tmp_path, scratch):
    archive = make_zip(tmp_path / "many.zip", {f"{AYU}/f{i}.txt": b"" for i in range(60)})
    raw = bytearray(archive.read_bytes())
    end = raw.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", raw, end + 8, 1, 1)  # the end record claims one entry
    archive.write_bytes(bytes(raw))
    with (
        pytest.raises(SubmissionError, match=r"holds 60 entries, over the limit of 50"),
        open_submissions(archive, limits=ZipLimits(max_entries=50)),
    ):
        pass
    assert leftovers(scratch) == []


def test_a_students_own_zip_is_unpacked_one_level_in_their_folder(tmp_path, scratch):
    deeper = zip_bytes({"inner.ipynb": notebook_bytes()})
    own = zip_bytes(
        {
            "tugas/hw.ipynb": notebook_bytes(),
            "tugas/data.csv": b"a,b\n1,2\n",
            "tugas/more.zip": deeper,
            "../../../escape.ipynb": notebook_bytes(),
        }
    )
    archive = make_zip(
        tmp_path / "download.zip",
        {f"{AYU}/tugas.zip": own, f"{BUDI}/hcv.ipynb": notebook_bytes(), "top.zip": zip_bytes({"x.ipynb": b"{}"})},
    )
    warnings: list[str] = []
    with open_submissions(archive, warnings.append) as found:
        by_student = {s.student: s for s in found}
        assert sorted(by_student) == ["123456", "222"]  # the id still from the Moodle folder
        ayu = by_student["123456"]
        root = ayu.path.parents[3]
        assert ayu.path.relative_to(root) == Path(AYU, "tugas", "tugas", "hw.ipynb")
        assert ayu.display == str(archive / AYU / "tugas" / "tugas" / "hw.ipynb")
        assert sorted(p.name for p in ayu.siblings) == ["data.csv", "more.zip"]
        assert not (ayu.path.parent / "more").exists()  # zips inside the student's zip stay zips
        assert not list(root.parent.rglob("escape.ipynb"))
        assert not (root / "top").exists()
    assert len(warnings) == 2, warnings
    assert warnings[0] == (
        "download.zip: 1 zip at the top of the download was not unpacked (only a zip inside a "
        "student's folder is): 'top.zip'"
    )
    assert warnings[1].startswith(f"download.zip/{AYU}/tugas.zip: skipped 1 unsafe entry")
    assert "'../../../escape.ipynb' (leads outside" in warnings[1]
    assert leftovers(scratch) == []


def test_a_broken_student_zip_is_a_warning_not_an_error(tmp_path, scratch):
    archive = make_zip(
        tmp_path / "download.zip",
        {f"{AYU}/tugas.zip": b"not a zip at all", f"{BUDI}/hcv.ipynb": notebook_bytes()},
    )
    warnings: list[str] = []
    with open_submissions(archive, warnings.append) as found:
        assert [s.student for s in found] == ["222"]
    assert warnings == [f"download.zip/{AYU}/tugas.zip: not a valid zip file; that zip was not unpacked"]


def test_the_unpacked_copy_is_removed_after_grading_an_error_and_ctrl_c(tmp_path, scratch):
    archive = make_zip(tmp_path / "download.zip", {f"{AYU}/tugas.ipynb": notebook_bytes()})
    with open_submissions(archive) as found:
        assert found[0].path.is_file()
    assert not found[0].path.exists() and leftovers(scratch) == []

    with pytest.raises(KeyboardInterrupt), open_submissions(archive) as found:
        assert found[0].path.is_file()
        raise KeyboardInterrupt
    assert leftovers(scratch) == []

    with pytest.raises(RuntimeError), open_submissions(archive) as found:
        raise RuntimeError("grading failed")
    assert leftovers(scratch) == []


def test_interrupted_while_unpacking_leaves_nothing(tmp_path, scratch, monkeypatch):
    archive = make_zip(tmp_path / "download.zip", {f"{AYU}/tugas.ipynb": notebook_bytes(), f"{BUDI}/a": b"x"})
    real_open = zipfile.ZipFile.open
    calls = []

    def interrupted(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", interrupted)
    with pytest.raises(KeyboardInterrupt), open_submissions(archive):
        pass
    assert len(calls) == 2 and leftovers(scratch) == []


def test_a_zip_without_notebooks_is_an_error_and_leaves_nothing(tmp_path, scratch):
    archive = make_zip(tmp_path / "download.zip", {"readme.txt": b"hello"})
    with pytest.raises(SubmissionError, match=r"no \.ipynb notebooks"), open_submissions(archive):
        pass
    assert leftovers(scratch) == []


def test_streaming_stops_at_the_cap_whatever_the_entry_says(tmp_path):
    # the last guard, should zipfile ever hand out more than an entry declares: written bytes
    # are counted as they stream and the file is dropped one byte past its cap
    from grader.intake.archive import _PastCap, _write

    archive = make_zip(tmp_path / "d.zip", {"data.csv": b"1,2,3\n" * 10_000})
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("data.csv")
        with pytest.raises(_PastCap):
            _write(zf, info, tmp_path / "out" / "data.csv", cap=1000)
        assert not (tmp_path / "out" / "data.csv").exists()
        assert _write(zf, info, tmp_path / "out" / "data.csv", cap=info.file_size) == 60_000
        with pytest.raises(FileExistsError):  # a name seen twice keeps its first file
            _write(zf, info, tmp_path / "out" / "data.csv", cap=info.file_size)
