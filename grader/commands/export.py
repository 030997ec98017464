"""``grader export DIR --format FMT``: results for an LMS."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError


def main(*, directory: str, fmt: str, lang: str | None = None) -> int:
    """Write the export and print where it went."""
    from ..export import export_results

    folder = Path(directory)
    if not (folder / "results.jsonl").exists():
        raise ConfigError(f"{directory}: no results.jsonl here (run 'grader grade ... --out {directory}' first)")
    print(export_results(folder, fmt, lang))
    return 0
