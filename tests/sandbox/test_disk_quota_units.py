"""The disk quota's parts without a kernel: the tmpfs layout, its size, memory, words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.models.execution import WORKSPACE_LAYOUT_ENV, CellRun, ExecutionJob, ExecutionOutcome, size_words
from grader.models.rubric import Limits
from grader.sandbox import Sandbox, SandboxLimits, mounts, verdict

MB = 1024 * 1024


def _job(root: Path, make: bool = True) -> ExecutionJob:
    if make:
        for name in ("work", "evidence", "out", "home"):
            (root / name).mkdir(parents=True, exist_ok=True)
    return ExecutionJob(
        notebook=str(root / "work" / "nb.ipynb"),
        workdir=str(root / "work"),
        evidence_dir=str(root / "evidence"),
        out_dir=str(root / "out"),
        kernel_env={"HOME": str(root / "home")},
    )


@pytest.fixture
def fake_bwrap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mounts, "bwrap_path", lambda: "/usr/bin/bwrap")
    monkeypatch.setattr(mounts, "bwrap_options", lambda _: frozenset({"--size", "--disable-userns"}))


def _after(argv: list[str], flag: str) -> list[str]:
    return [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == flag]


def _sized_tmpfs(argv: list[str]) -> dict[str, int]:
    """Mount point -> size of each ``--size N --tmpfs PATH``."""
    return {
        argv[i + 3]: int(argv[i + 1]) for i, a in enumerate(argv[:-3]) if a == "--size" and argv[i + 2] == "--tmpfs"
    }


def _layout(argv: list[str]) -> dict:
    values = [argv[i + 2] for i, a in enumerate(argv[:-2]) if a == "--setenv" and argv[i + 1] == WORKSPACE_LAYOUT_ENV]
    assert len(values) == 1
    return json.loads(values[0])


@pytest.mark.usefixtures("fake_bwrap")
def test_a_workspace_under_tmp_writes_only_to_one_sized_tmpfs(tmp_path: Path) -> None:
    job = _job(tmp_path)
    argv = mounts.bwrap_command(["python", "w"], job, tmp_bytes=MB, env={}, disk_mb=300, evidence_mb=40)
    assert _after(argv, "--bind") == []  # nothing of this machine's disk is writable inside
    # /tmp itself is the quota (the workspace lives under it): work, home and /tmp share 300 MB
    assert _sized_tmpfs(argv) == {"/tmp": 300 * MB, str(tmp_path / "evidence"): 40 * MB}
    assert {str(tmp_path / "work"), str(tmp_path / "home")} <= set(_after(argv, "--dir"))
    read_only = [argv[i + 1 : i + 3] for i, a in enumerate(argv[:-2]) if a == "--ro-bind"]
    assert [str(tmp_path / "out"), str(tmp_path / "out")] in read_only
    assert [str(tmp_path / "work"), str(tmp_path / ".inputs" / "work")] in read_only
    assert [str(tmp_path / "home"), str(tmp_path / ".inputs" / "home")] in read_only
    layout = _layout(argv)
    assert layout["disk_mb"] == 300 and layout["mount"] == "/tmp"
    assert [str(tmp_path / ".inputs" / "work"), str(tmp_path / "work")] in layout["inputs"]
    # the sized /tmp comes before everything mounted into it
    assert argv.index("/tmp") < argv.index(str(tmp_path / "evidence"))
    # the workspace root takes no files of its own ("../x" is refused); its folders do
    perms = {argv[i + 3]: argv[i + 1] for i, a in enumerate(argv[:-3]) if a == "--perms" and argv[i + 2] == "--dir"}
    assert perms[str(tmp_path)] == "0555" and perms[str(tmp_path / "work")] == "0755"


@pytest.mark.usefixtures("fake_bwrap")
def test_a_workspace_elsewhere_gets_the_tmpfs_at_its_root_and_tmp_links_into_it() -> None:
    root = Path("/srv/grading-x/run-1")  # paths only: nothing is created
    job = _job(root, make=False)
    argv = mounts.bwrap_command(["python", "w"], job, tmp_bytes=MB, env={}, disk_mb=2048)
    assert _sized_tmpfs(argv) == {str(root): 2048 * MB, str(root / "evidence"): 1024 * MB}
    link = [argv[i + 1 : i + 3] for i, a in enumerate(argv[:-2]) if a == "--symlink"]
    assert [str(root / "tmp"), "/tmp"] in link
    assert argv[argv.index(str(root)) - 5 : argv.index(str(root)) - 3] == ["--perms", "0555"]
    assert "/tmp" not in _after(argv, "--tmpfs")
    assert str(root / "tmp") in _after(argv, "--dir")
    assert _layout(argv)["mount"] == str(root)
    assert _after(argv, "--bind") == []


@pytest.mark.usefixtures("fake_bwrap")
def test_without_a_quota_or_a_shared_root_the_workspace_is_bound_as_before(tmp_path: Path) -> None:
    job = _job(tmp_path)
    plain = mounts.bwrap_command(["python", "w"], job, tmp_bytes=MB, env={})
    assert sorted(_after(plain, "--bind")) == sorted(str(tmp_path / n) for n in ("work", "evidence", "home"))
    assert WORKSPACE_LAYOUT_ENV not in plain
    scattered = ExecutionJob(
        notebook=str(tmp_path / "a" / "nb.ipynb"),
        workdir=str(tmp_path / "a"),
        evidence_dir=str(tmp_path / "b" / "evidence"),
        out_dir=str(tmp_path / "out"),
        kernel_env={"HOME": str(tmp_path / "home")},
    )
    assert mounts.quota_root(scattered, frozenset({"--size"})) is None
    assert mounts.quota_root(job, frozenset()) is None  # a bubblewrap without --size
    assert mounts.quota_root(job, frozenset({"--size"})) == str(tmp_path)


def test_files_on_the_disk_count_as_memory_and_the_verdict_says_so() -> None:
    limits = SandboxLimits(memory_mb=1536, disk_mb=300, evidence_mb=100)
    assert limits.tree_memory_mb() == 1536 + 512  # the run takes no more of the machine than before
    spec = {"tree_memory_mb": 2048, "disk_mb": 300}
    assert verdict.limit_reason("memory", spec) == (
        "the kernel was killed: it used more than 2048 MB of memory "
        "(all of the notebook's processes together, and the files on its disk)"
    )
    assert verdict.limit_reason("memory", {**spec, "disk_mb": None}).endswith("processes together)")


def test_no_space_left_names_the_disk_quota_in_words(tmp_path: Path) -> None:
    cells = (CellRun(0, "error", "OSError: [Errno 28] No space left on device"), CellRun(1, "ok"))
    outcome = ExecutionOutcome("completed", None, cells, 1.0, None, str(tmp_path), disk_full_mb=2048)
    done = verdict.apply_verdict(outcome, {"limit": None, "disk_mb": 2048, "file_size_mb": 512})
    assert done.cells[0].error == (
        "OSError: [Errno 28] No space left on device "
        "(sandbox limit: 2 GiB of disk for the notebook's folder, home and /tmp)"
    )
    assert done.disk_full_mb == 2048  # kept through the verdict
    no_quota = verdict.apply_verdict(outcome, {"limit": None, "disk_mb": None})
    assert no_quota.cells[0].error == "OSError: [Errno 28] No space left on device"
    assert size_words(2048) == "2 GiB" and size_words(300) == "300 MB"


def test_describe_and_rubric_limits_carry_the_disk() -> None:
    text = "\n".join(Sandbox(SandboxLimits(disk_mb=700)).describe())
    assert "disk 700 MB for the notebook's folder, home and /tmp together" in text or "disk: not limited" in text
    assert Limits().disk_mb == 2048
    assert Limits(disk_mb=512).disk_mb == 512
    with pytest.raises(ValueError):
        Limits(disk_mb=1)
