"""The evidence cache's size cap: least recently used runs go first; ``grader cache prune``."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from grader.cache import DEFAULT_MAX_BYTES, EvidenceCache, parse_size, size_text
from grader.cli import main
from grader.models.execution import ExecutionOutcome
from grader.pipeline import cache_from

KIB = 1024


def _key(n: int) -> str:
    return f"{n:024x}"


def _run(cache: EvidenceCache, n: int, size: int, used: float | None = None) -> str:
    """A finished run of ``size`` bytes of evidence, last used at ``used``."""
    key = _key(n)
    folder = cache.folder(key)
    (folder / "evidence").mkdir(parents=True)
    (folder / "evidence" / "events.jsonl").write_bytes(os.urandom(size))  # random: no sparse or compressed blocks
    outcome = ExecutionOutcome("completed", None, (), 1.0, None, str(folder / "evidence"))
    with cache.locked(key):
        cache.store(key, outcome)
    if used is not None:
        os.utime(folder / "outcome.json", (used, used))
    return key


def _keys(cache: EvidenceCache) -> set[str]:
    return {r.key for r in cache.runs()}


def test_sizes_parse_and_read() -> None:
    assert parse_size("5G") == parse_size("5GiB") == 5 * 1024**3 == DEFAULT_MAX_BYTES
    assert parse_size("500M") == parse_size("500 MB") == 500 * 1024**2
    assert parse_size("1024") == 1024
    with pytest.raises(ValueError, match="not a size"):
        parse_size("lots")
    assert size_text(3 * 1024**3 // 2) == "1.5 GiB"


def test_runs_are_listed_least_recently_used_first_with_their_size(tmp_path: Path) -> None:
    cache = EvidenceCache(tmp_path, max_bytes=None)
    now = time.time()
    a, b, c = (
        _run(cache, 1, 40 * KIB, now - 300),
        _run(cache, 2, 40 * KIB, now - 100),
        _run(cache, 3, 40 * KIB, now - 200),
    )
    (tmp_path / "not-a-run").mkdir()
    assert [r.key for r in cache.runs()] == [a, c, b]
    assert all(40 * KIB <= r.size < 80 * KIB for r in cache.runs())
    cache.load(a)  # a hit is a use
    assert [r.key for r in cache.runs()][-1] == a


def test_storing_past_the_cap_evicts_the_least_recently_used(tmp_path: Path) -> None:
    cache = EvidenceCache(tmp_path, max_bytes=None)
    now = time.time()
    old, recent = _run(cache, 1, 100 * KIB, now - 1000), _run(cache, 2, 100 * KIB, now - 10)
    crashed = cache.folder(_key(9))  # a run that never finished: first to go
    (crashed / "work").mkdir(parents=True)
    (crashed / "work" / "half.bin").write_bytes(os.urandom(10 * KIB))
    capped = EvidenceCache(tmp_path, max_bytes=250 * KIB)
    new = _run(capped, 3, 100 * KIB)
    assert _keys(capped) == {recent, new}
    assert not cache.folder(old).exists() and not crashed.exists()
    assert capped.load(recent) is not None and capped.load(new) is not None
    assert sum(r.size for r in capped.runs()) <= 250 * KIB


def test_prune_never_removes_a_run_in_use(tmp_path: Path) -> None:
    cache = EvidenceCache(tmp_path, max_bytes=None)
    now = time.time()
    busy, idle = _run(cache, 1, 50 * KIB, now - 1000), _run(cache, 2, 50 * KIB, now - 10)
    with open(tmp_path / f"{busy}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another grader is reading or writing it
        pruned = cache.prune(0)
    assert [r.key for r in pruned.removed] == [idle]
    assert [r.key for r in pruned.kept] == [busy]
    assert pruned.freed >= 50 * KIB and _keys(cache) == {busy}


def test_cache_prune_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = EvidenceCache(tmp_path, max_bytes=None)
    now = time.time()
    keys = [_run(cache, n, 100 * KIB, now - 100 * (5 - n)) for n in range(4)]
    assert main(["cache", "prune", "--max-size", "250K", "--cache-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert _keys(cache) == set(keys[2:])  # the two most recently used fit
    assert f"removed {keys[0]}" in out and f"removed {keys[1]}" in out
    assert "cache: removed 2 run(s)" in out and "left in 2 run(s)" in out
    assert main(["cache", "prune", "--cache-dir", str(tmp_path)]) == 0  # under the default 5 GiB: nothing to do
    assert _keys(cache) == set(keys[2:])
    assert "removed 0 run(s)" in capsys.readouterr().out


def test_cache_prune_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "prune", "--max-size", "lots", "--cache-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["cache", "prune", "--cache-dir", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such folder" in err


def test_grading_commands_take_a_cache_cap(tmp_path: Path) -> None:
    cache = cache_from(str(tmp_path), False, "1G")
    assert cache is not None and cache.max_bytes == 1024**3
    assert cache_from(str(tmp_path), False).max_bytes == DEFAULT_MAX_BYTES  # type: ignore[union-attr]
    assert cache_from(str(tmp_path), True, "1G") is None
