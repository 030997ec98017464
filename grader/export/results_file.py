"""The result JSON (contract: schema 1) and ``results.jsonl``, written and read back.

Text is rendered here, at the edge, in the language asked for: ``title``, ``feedback``,
``notes`` and ``rubric_title`` as the contract shows them.  Beside them each item keeps its
``messages`` (catalogue codes and values) and the rubric's words in both languages under
``i18n``, so a graded folder can be shown again in another language without regrading.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..i18n import feedback_text, late_text, note_texts, render, rubric_title_text, title_text
from ..models.environment import EnvironmentGap, GradingEnvironment
from ..models.results import (
    RESULT_SCHEMA,
    AppliedOverride,
    CellResult,
    ItemResult,
    LateRecord,
    Message,
    Override,
    Result,
)

RESULTS_FILE = "results.jsonl"
_NESTED = "$message"


def _plain(value: Any) -> Any:
    """A message value as JSON: nested messages tagged, numpy scalars as numbers."""
    if isinstance(value, Message):
        return {_NESTED: message_to_json(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    item = getattr(value, "item", None)  # numpy scalars
    return item() if callable(item) else str(value)


def _revived(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_NESTED}:
            return message_from_json(value[_NESTED])
        return {k: _revived(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revived(v) for v in value]
    return value


def message_to_json(message: Message) -> dict[str, Any]:
    """A message as ``{"code": ..., "params": {...}}``."""
    return {"code": message.code, "params": _plain(message.params)}


def message_from_json(data: Any) -> Message:
    """Inverse of :func:`message_to_json`; plain text (older files) becomes words."""
    if isinstance(data, str):
        return Message.words(data)
    return Message(str(data["code"]), dict(_revived(data.get("params") or {})))


def override_to_json(held: AppliedOverride | None) -> dict[str, Any] | None:
    """An item's override as the result JSON holds it (None: not overridden)."""
    if held is None:
        return None
    decision = held.decision
    return {
        "points": decision.points,
        "comment": decision.comment,
        "author": decision.author,
        "at": decision.at,
        "earlier_version": decision.earlier_version,
        "machine_points": held.machine_points,
        "machine_passed": held.machine_passed,
        "machine_judged": held.machine_judged,
        "machine_needs_review": held.machine_needs_review,
    }


def _override_from_json(data: Any) -> AppliedOverride | None:
    if not isinstance(data, dict):
        return None
    decision = Override(
        points=float(data["points"]),
        comment=data.get("comment"),
        author=data.get("author"),
        at=data.get("at"),
        earlier_version=bool(data.get("earlier_version", False)),
    )
    return AppliedOverride(
        decision,
        machine_points=float(data["machine_points"]),
        machine_passed=bool(data.get("machine_passed", False)),
        machine_judged=bool(data.get("machine_judged", True)),
        machine_needs_review=bool(data.get("machine_needs_review", False)),
    )


def _item_to_json(item: ItemResult, lang: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "check": item.check,
        "title": title_text(item, lang),
        "points": round(item.points, 4),
        "max_points": item.max_points,
        "passed": item.passed,
        "feedback": feedback_text(item, lang),
        "evidence": _plain(item.evidence),
        "visibility": item.visibility,
        "required": item.required,
        "judged": item.judged,
        "needs_review": item.needs_review,
        "machine_points": round(item.machine_points, 4),
        "override": override_to_json(item.override),
        "messages": [message_to_json(m) for m in item.messages],
        "i18n": {"title": message_to_json(item.title)["params"]},
    }


def result_to_json(result: Result, lang: str = "en") -> dict[str, Any]:
    """The result JSON of the contract, its text in ``lang``."""
    return {
        "schema": RESULT_SCHEMA,
        "submission": result.submission,
        "student": result.student,
        "rubric": result.rubric,
        "rubric_title": rubric_title_text(result, lang),
        "status": result.status,
        "score": round(result.score, 4),
        "max_score": round(result.max_score, 4),
        "duration_s": round(result.duration_s, 3),
        "reason": result.reason,
        "lang": lang,
        "items": [_item_to_json(i, lang) for i in result.items],
        "cells": [{"index": c.index, "status": c.status, "error": c.error} for c in result.cells],
        "notes": note_texts(result, lang),
        "environment_gaps": [{**g.to_json(), "text": render(g.message(), lang)} for g in result.environment_gaps],
        "environment": None if result.environment is None else result.environment.to_json(),
        "late": late_to_json(result.late, lang),
        "timings": dict(result.timings),
        "i18n": {
            "rubric_title": None if result.rubric_title is None else message_to_json(result.rubric_title)["params"],
            "notes": [message_to_json(n) for n in result.notes],
        },
    }


def late_to_json(late: LateRecord | None, lang: str = "en") -> dict[str, Any] | None:
    """The late reckoning (``--due``) as the result JSON keeps it, with its line for the student."""
    if late is None:
        return None
    return {
        "due": late.due,
        "submitted_at": late.submitted_at,
        "minutes_late": late.minutes_late,
        "penalty_percent": late.percent,
        "score_before": round(late.score_before, 4),
        "score_after": round(late.score_after, 4),
        "marked_late": late.marked_late,
        "needs_review": late.needs_review,
        "text": late_text(late, lang),
    }


def late_from_json(data: Any) -> LateRecord | None:
    """Inverse of :func:`late_to_json` (None for files written without a due time)."""
    if not isinstance(data, dict) or "due" not in data:
        return None
    minutes = data.get("minutes_late")
    return LateRecord(
        due=str(data["due"]),
        submitted_at=None if data.get("submitted_at") is None else str(data["submitted_at"]),
        minutes_late=None if minutes is None else int(minutes),
        percent=float(data.get("penalty_percent", 0.0)),
        score_before=float(data.get("score_before", 0.0)),
        score_after=float(data.get("score_after", 0.0)),
        marked_late=bool(data.get("marked_late", False)),
    )


def _words(i18n: Any, key: str, fallback: str | None) -> Message | None:
    """The words kept under ``i18n[key]``; the rendered text of older files otherwise."""
    if isinstance(i18n, dict) and key in i18n:
        text = i18n[key]
        return Message.words(str(text["en"]), text.get("id")) if isinstance(text, dict) and "en" in text else None
    return None if fallback is None else Message.words(fallback)


def _item_from_json(data: dict[str, Any]) -> ItemResult:
    messages = data.get("messages")
    if messages is None:  # written before messages were kept: the text as it was
        messages = [data["feedback"]] if data.get("feedback") else []
    return ItemResult(
        id=str(data["id"]),
        check=str(data.get("check", "")),
        title=_words(data.get("i18n"), "title", str(data.get("title") or data["id"])) or Message.words(""),
        points=float(data.get("points", 0.0)),
        max_points=float(data.get("max_points", 0.0)),
        passed=bool(data.get("passed", False)),
        messages=tuple(message_from_json(m) for m in messages),
        evidence=dict(data.get("evidence") or {}),
        visibility="hidden" if data.get("visibility") == "hidden" else "visible",
        required=bool(data.get("required", True)),
        judged=bool(data.get("judged", True)),
        needs_review=bool(data.get("needs_review", False)),
        override=_override_from_json(data.get("override")),
    )


def result_from_json(data: dict[str, Any]) -> Result:
    """Inverse of :func:`result_to_json`; fields added after schema 1 default when absent."""
    schema = data.get("schema", RESULT_SCHEMA)
    if schema != RESULT_SCHEMA:
        raise ValueError(f"result schema {schema} (this grader reads {RESULT_SCHEMA})")
    i18n = data.get("i18n") or {}
    notes = i18n.get("notes") if isinstance(i18n, dict) and "notes" in i18n else data.get("notes")
    return Result(
        submission=str(data["submission"]),
        student=None if data.get("student") is None else str(data["student"]),
        rubric=str(data.get("rubric", "")),
        status=data["status"],
        score=float(data.get("score", 0.0)),
        max_score=float(data.get("max_score", 0.0)),
        duration_s=float(data.get("duration_s", 0.0)),
        items=tuple(_item_from_json(i) for i in data.get("items") or ()),
        cells=tuple(
            CellResult(index=int(c["index"]), status=c["status"], error=c.get("error")) for c in data.get("cells") or ()
        ),
        reason=data.get("reason"),
        notes=tuple(message_from_json(n) for n in notes or ()),
        rubric_title=_words(i18n, "rubric_title", data.get("rubric_title")),
        environment_gaps=tuple(
            EnvironmentGap.from_json(g) for g in data.get("environment_gaps") or () if isinstance(g, dict)
        ),
        timings={str(k): float(v) for k, v in (data.get("timings") or {}).items() if isinstance(v, int | float)},
        environment=GradingEnvironment.from_json(data["environment"])
        if isinstance(data.get("environment"), dict)
        else None,
        late=late_from_json(data.get("late")),
    )


def result_language(data: dict[str, Any]) -> str:
    """The language a result JSON's text was written in."""
    return str(data.get("lang") or "en")


def read_results(results_dir: Path) -> list[Result]:
    """Every result in ``results_dir/results.jsonl``, in file order."""
    return [result for result, _ in read_results_with_language(results_dir)]


def read_results_with_language(results_dir: Path) -> list[tuple[Result, str]]:
    """Every result in ``results_dir/results.jsonl`` with the language it was written in."""
    path = results_dir / RESULTS_FILE
    if not path.is_file():
        raise ConfigError(f"{path} does not exist: run 'grader grade ... --out {results_dir}' first")
    results = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                results.append((result_from_json(data), result_language(data)))
            except (ValueError, KeyError, TypeError) as problem:
                raise ConfigError(f"{path}:{number}: not a result JSON line ({problem})") from problem
    return results


__all__ = [
    "RESULTS_FILE",
    "message_from_json",
    "message_to_json",
    "override_to_json",
    "read_results",
    "read_results_with_language",
    "result_from_json",
    "result_to_json",
]
