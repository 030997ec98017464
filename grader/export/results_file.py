"""Reading ``results.jsonl`` (one result JSON per line, schema 1) back into ``Result``s."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..models.results import Result

RESULTS_FILE = "results.jsonl"


def result_from_json(data: dict[str, Any]) -> Result:
    """Inverse of ``Result.to_json`` (kept as a function for callers of the export API)."""
    return Result.from_json(data)


def read_results(results_dir: Path) -> list[Result]:
    """Every result in ``results_dir/results.jsonl``, in file order."""
    path = results_dir / RESULTS_FILE
    if not path.is_file():
        raise ConfigError(f"{path} does not exist: run 'grader grade ... --out {results_dir}' first")
    results = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                results.append(result_from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError) as problem:
                raise ConfigError(f"{path}:{number}: not a result JSON line ({problem})") from problem
    return results
