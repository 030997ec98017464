"""Reading the probe's files: the event log, row fingerprints and plain-data sub-records."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..models.evidence import AxesRecord, ColumnStats, GridRecord, LayerRecord, LineRecord, Rows

MAX_EVENT_LINE = 50_000_000


def read_events(evidence_dir: str) -> Iterator[dict[str, Any]]:
    """The probe's events, skipping lines a dying kernel left half-written."""
    path = os.path.join(evidence_dir, "events.jsonl")
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if len(line) > MAX_EVENT_LINE:
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(event, dict) and "kind" in event:
                yield event


class RowsReader:
    """Loads the fingerprints of a row set once and hands out the same Rows after."""

    def __init__(self, evidence_dir: str) -> None:
        self.dir = os.path.join(evidence_dir, "rows")
        self.cache: dict[str, Rows] = {}

    def __call__(self, info: Any) -> Rows | None:
        if not isinstance(info, dict) or "id" not in info:
            return None
        rid = str(info["id"])
        if rid in self.cache:
            return self.cache[rid]
        exact = self._load(rid + ".exact.npy")
        if exact is None:
            return None
        shape_fp = self._load(rid + ".shape.npy")
        rows = Rows(
            id=rid,
            n=int(info.get("n", len(exact))),
            shape=tuple(info.get("shape", [len(exact)])),
            dtype=str(info.get("dtype", "")),
            kind="labels" if info.get("kind") == "labels" else "features",
            exact=exact,
            shape_fp=shape_fp if shape_fp is not None else exact,
            labels=self._load(rid + ".labels.npy"),
            columns=tuple(info["columns"]) if info.get("columns") else None,
            classes=info.get("classes"),
            missing=int(info["missing"]) if isinstance(info.get("missing"), int) else None,
            stats=self._stats(rid, len(exact)),
        )
        self.cache[rid] = rows
        return rows

    def _stats(self, rid: str, n: int) -> ColumnStats | None:
        """The probe's per-column statistics (count, missing, mean, M2, min, max), if measured."""
        table = self._load(rid + ".stats.npy")
        if table is None or table.ndim != 2 or table.shape[0] < 6 or table.dtype.kind != "f":
            return None
        if np.any(table[0] + table[1] > n):  # not this row set's statistics: ignore them
            return None
        return ColumnStats(count=table[0], missing=table[1], mean=table[2], m2=table[3], min=table[4], max=table[5])

    def _load(self, name: str) -> np.ndarray | None:
        path = os.path.join(self.dir, name)
        try:
            return np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None


def tuple_int(value: Any) -> tuple[int, ...] | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return (int(value),)
    try:
        return tuple(int(v) for v in value)
    except (TypeError, ValueError):
        return None


def activation_text(value: Any) -> str | None:
    """The name of an activation as recorded: a name, or a Keras serialized function config
    (``{"class_name": "function", "config": "softmax_v2"}`` for ``tf.nn.softmax``, ``{"value":
    [bytecode, ...]}`` for a lambda, a layer's config for a layer used as an activation)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        kind = value.get("class_name")
        if kind == "function" and isinstance(value.get("config"), str):
            return str(value["config"])
        if kind in ("__lambda__", "Lambda") or set(value) == {"value"}:
            return "<lambda>"
        if isinstance(kind, str):
            return kind
    return str(value) if value else None


def layer(entry: dict[str, Any]) -> LayerRecord:
    return LayerRecord(
        type=str(entry.get("type")),
        name=entry.get("name"),
        units=entry.get("units"),
        activation=activation_text(entry.get("activation")),
        filters=entry.get("filters"),
        kernel_size=tuple_int(entry.get("kernel_size")),
        pool_size=tuple_int(entry.get("pool_size")),
        strides=tuple_int(entry.get("strides")),
        padding=entry.get("padding"),
        rate=entry.get("rate"),
        params=entry.get("params"),
        output_shape=tuple(entry["output_shape"]) if isinstance(entry.get("output_shape"), list) else None,
    )


def grid(entry: dict[str, Any]) -> GridRecord:
    values = entry.get("values")
    return GridRecord(
        shape=tuple(entry.get("shape", [])), values=tuple(tuple(row) for row in values) if values is not None else None
    )


def axes(entry: dict[str, Any]) -> AxesRecord:
    return AxesRecord(
        title=str(entry.get("title") or ""),
        xlabel=str(entry.get("xlabel") or ""),
        ylabel=str(entry.get("ylabel") or ""),
        legend=tuple(str(t) for t in entry.get("legend", [])),
        lines=tuple(
            LineRecord(label=str(line.get("label") or ""), x=tuple(line.get("x", [])), y=tuple(line.get("y", [])))
            for line in entry.get("lines", [])
        ),
        images=tuple(grid(g) for g in entry.get("images", [])),
        meshes=tuple(grid(g) for g in entry.get("meshes", [])),
        texts=tuple(str(t) for t in entry.get("texts", [])),
        xticklabels=tuple(str(t) for t in entry.get("xticklabels", [])),
        yticklabels=tuple(str(t) for t in entry.get("yticklabels", [])),
        bars=int(entry.get("bars") or 0),
    )


def names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, dict):
        value = list(value.values())
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        out.extend(names(item) if isinstance(item, list | dict) else [str(item)])
    return tuple(out)
