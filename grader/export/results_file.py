"""Reading ``results.jsonl`` (one result JSON per line, schema 1) back into ``Result``s."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..models.results import RESULT_SCHEMA, CellResult, ItemResult, Result

RESULTS_FILE = "results.jsonl"


def _item(data: dict[str, Any]) -> ItemResult:
    return ItemResult(
        id=str(data["id"]), check=str(data.get("check", "")), title=str(data.get("title", "")),
        points=float(data.get("points", 0.0)), max_points=float(data.get("max_points", 0.0)),
        passed=bool(data.get("passed", False)), feedback=str(data.get("feedback") or ""),
        evidence=dict(data.get("evidence") or {}),
        visibility="hidden" if data.get("visibility") == "hidden" else "visible",
        required=bool(data.get("required", True)))


def result_from_json(data: dict[str, Any]) -> Result:
    """Inverse of ``Result.to_json`` (fields added after schema 1 default when absent)."""
    schema = data.get("schema", RESULT_SCHEMA)
    if schema != RESULT_SCHEMA:
        raise ValueError(f"result schema {schema} (this grader reads {RESULT_SCHEMA})")
    return Result(
        submission=str(data["submission"]),
        student=None if data.get("student") is None else str(data["student"]),
        rubric=str(data.get("rubric", "")), status=data["status"],
        score=float(data.get("score", 0.0)), max_score=float(data.get("max_score", 0.0)),
        duration_s=float(data.get("duration_s", 0.0)),
        items=tuple(_item(i) for i in data.get("items") or ()),
        cells=tuple(CellResult(index=int(c["index"]), status=c["status"], error=c.get("error"))
                    for c in data.get("cells") or ()),
        reason=data.get("reason"), lang=str(data.get("lang", "en")),
        notes=tuple(str(n) for n in data.get("notes") or ()))


def read_results(results_dir: Path) -> list[Result]:
    """Every result in ``results_dir/results.jsonl``, in file order."""
    path = results_dir / RESULTS_FILE
    if not path.is_file():
        raise ConfigError(f"{path} does not exist: run 'grader grade ... --out {results_dir}' "
                          "first")
    results = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                results.append(result_from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError) as problem:
                raise ConfigError(f"{path}:{number}: not a result JSON line ({problem})") \
                    from problem
    return results
