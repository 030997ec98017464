"""Load and validate rubric YAML with errors that name the file, the line and the field."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import RubricError
from ..models.rubric import Rubric, RubricItem

Location = tuple[Any, ...]


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers the line of every mapping key."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
    mapping: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise RubricError(f"line {key_node.start_mark.line + 1}: key {key!r} appears twice")
        mapping[key] = loader.construct_object(value_node, deep=True)
        lines[key] = key_node.start_mark.line + 1
    mapping["__lines__"] = lines
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("__lines__", "__line__")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _line_of(raw: Any, loc: Location) -> int | None:
    node, line = raw, None
    for part in loc:
        if isinstance(node, dict):
            line = node.get("__lines__", {}).get(part, node.get("__line__", line))
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            if isinstance(node, dict):
                line = node.get("__line__", line)
        else:
            break
    return line


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _fields_at(model: type[BaseModel], loc: Location) -> list[str]:
    """Field names (and aliases) valid at the place an unknown key was found."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            current = None
            break
        annotation = field.annotation
        args = getattr(annotation, "__args__", ()) or (annotation,)
        current = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)
    if current is None:
        return []
    names = []
    for name, field in current.model_fields.items():
        names.append(field.alias or name)
    return names


def _format(path: str, raw: Any, model: type[BaseModel], error: dict[str, Any], prefix: Location = ()) -> str:
    loc = prefix + tuple(error.get("loc", ()))
    line = _line_of(raw, loc)
    field = ".".join(str(p) for p in loc) or "(top level)"
    message = error.get("msg", "invalid")
    if error.get("type") == "extra_forbidden" and loc:
        message = f"unknown field {loc[-1]!r}{_did_you_mean(str(loc[-1]), _fields_at(model, loc[len(prefix) :]))}"
    where = f"{path}:{line}" if line else path
    return f"{where}: {field}: {message}"


def _most_telling(exc: ValidationError) -> Any:
    """The error to show: a misspelt field reports both "unknown 'pionts'" and "'points' missing";
    the first says what to fix."""
    errors = exc.errors()
    return next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0])


def parse_rubric(
    text: str, path: str = "<rubric>", param_models: Mapping[str, type[BaseModel]] | None = None
) -> Rubric:
    """Validate rubric text.  ``param_models`` maps each check kind to its params model."""
    try:
        raw = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        raise RubricError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(raw, dict):
        raise RubricError(f"{path}: a rubric must be a mapping with schema, name, title and items")
    try:
        rubric = Rubric.model_validate(_strip(raw))
    except ValidationError as exc:
        raise RubricError(_format(path, raw, Rubric, dict(_most_telling(exc)))) from None
    if param_models is not None:
        for index, item in enumerate(rubric.items):
            _validate_item(path, raw, index, item, param_models)
    return rubric


def _validate_item(
    path: str, raw: Any, index: int, item: RubricItem, param_models: Mapping[str, type[BaseModel]]
) -> None:
    kinds = sorted(param_models)
    if item.check not in param_models:
        line = _line_of(raw, ("items", index, "check"))
        raise RubricError(
            f"{path}:{line}: items.{index}.check: unknown check kind {item.check!r}"
            f"{_did_you_mean(item.check, kinds)}; known: {', '.join(kinds)}"
        )
    model = param_models[item.check]
    try:
        model.model_validate(item.params)
    except ValidationError as exc:
        first = dict(_most_telling(exc))
        loc: Location = ("items", index, "params", *tuple(first.get("loc") or ()))
        line = _line_of(raw, loc)
        field = ".".join(str(p) for p in loc)
        message = first.get("msg", "invalid")
        if first.get("type") == "extra_forbidden":
            message = (
                f"unknown parameter {loc[-1]!r} for check {item.check!r}"
                f"{_did_you_mean(str(loc[-1]), list(model.model_fields))}"
            )
        where = f"{path}:{line}" if line else path
        raise RubricError(f"{where}: {field}: {message}") from None


def load_rubric(path: str, param_models: Mapping[str, type[BaseModel]] | None = None) -> Rubric:
    """Read and validate a rubric file."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise RubricError(f"{path}: cannot read the rubric ({exc.strerror})") from None
    return parse_rubric(text, os.path.basename(path) if not os.path.isabs(path) else path, param_models)
