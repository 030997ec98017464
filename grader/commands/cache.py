"""``grader cache prune [--max-size SIZE] [--cache-dir DIR]``."""

from __future__ import annotations

from ..cache import size_text
from ..pipeline import prune_cache


def main(*, action: str, max_size: str | None = None, cache_dir: str | None = None) -> int:
    """Prune the evidence cache; print what went and what is left."""
    if action != "prune":
        raise AssertionError(action)
    pruned = prune_cache(cache_dir, max_size)
    for run in pruned.removed:
        print(f"removed {run.key} ({size_text(run.size)})")
    busy = "" if not pruned.kept else f" in {len(pruned.kept)} run(s)"
    print(
        f"cache: removed {len(pruned.removed)} run(s), freed {size_text(pruned.freed)}; "
        f"{size_text(pruned.size)} left{busy}"
    )
    return 0
