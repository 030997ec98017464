"""Read what the probe wrote (events.jsonl + .npy files) into typed records."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any, Literal

import numpy as np

from ..models.evidence import (
    EVIDENCE_SCHEMA,
    AxesRecord,
    CompileRecord,
    EvaluateRecord,
    Evidence,
    ExportRecord,
    FigureRecord,
    FitRecord,
    GridRecord,
    LayerRecord,
    LineRecord,
    MetricCallRecord,
    ModelRecord,
    NoteRecord,
    PredictRecord,
    PrepFitRecord,
    Rows,
    SaveRecord,
    SearchRecord,
    SplitPart,
    SplitRecord,
    TransformRecord,
    ValidationRecord,
)
from ..models.execution import ExecutionOutcome
from .outputs import read_markdown, read_outputs

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


class _RowsReader:
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
        )
        self.cache[rid] = rows
        return rows

    def _load(self, name: str) -> np.ndarray | None:
        path = os.path.join(self.dir, name)
        try:
            return np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None


def _tuple_int(value: Any) -> tuple[int, ...] | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return (int(value),)
    try:
        return tuple(int(v) for v in value)
    except (TypeError, ValueError):
        return None


def _layer(entry: dict[str, Any]) -> LayerRecord:
    activation = entry.get("activation")
    return LayerRecord(
        type=str(entry.get("type")),
        name=entry.get("name"),
        units=entry.get("units"),
        activation=activation if isinstance(activation, str) else (str(activation) if activation else None),
        filters=entry.get("filters"),
        kernel_size=_tuple_int(entry.get("kernel_size")),
        pool_size=_tuple_int(entry.get("pool_size")),
        strides=_tuple_int(entry.get("strides")),
        padding=entry.get("padding"),
        rate=entry.get("rate"),
        params=entry.get("params"),
        output_shape=tuple(entry["output_shape"]) if isinstance(entry.get("output_shape"), list) else None,
    )


def _grid(entry: dict[str, Any]) -> GridRecord:
    values = entry.get("values")
    return GridRecord(
        shape=tuple(entry.get("shape", [])), values=tuple(tuple(row) for row in values) if values is not None else None
    )


def _axes(entry: dict[str, Any]) -> AxesRecord:
    return AxesRecord(
        title=str(entry.get("title") or ""),
        xlabel=str(entry.get("xlabel") or ""),
        ylabel=str(entry.get("ylabel") or ""),
        legend=tuple(str(t) for t in entry.get("legend", [])),
        lines=tuple(
            LineRecord(label=str(line.get("label") or ""), x=tuple(line.get("x", [])), y=tuple(line.get("y", [])))
            for line in entry.get("lines", [])
        ),
        images=tuple(_grid(g) for g in entry.get("images", [])),
        meshes=tuple(_grid(g) for g in entry.get("meshes", [])),
        texts=tuple(str(t) for t in entry.get("texts", [])),
        xticklabels=tuple(str(t) for t in entry.get("xticklabels", [])),
        yticklabels=tuple(str(t) for t in entry.get("yticklabels", [])),
        bars=int(entry.get("bars") or 0),
    )


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, dict):
        value = list(value.values())
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        out.extend(_names(item) if isinstance(item, list | dict) else [str(item)])
    return tuple(out)


class _Collector:
    """Turns each event kind into its record."""

    def __init__(self, evidence_dir: str) -> None:
        self.rows = _RowsReader(evidence_dir)
        self.lists: dict[str, list[Any]] = {
            k: []
            for k in (
                "splits",
                "prep_fits",
                "transforms",
                "compiles",
                "fits",
                "evaluations",
                "predictions",
                "metric_calls",
                "saves",
                "exports",
                "searches",
                "figures",
                "notes",
            )
        }
        self.models: dict[str, ModelRecord] = {}
        self.tampered: tuple[str, ...] = ()
        self.installed = False
        self.finished = False

    def add(self, e: dict[str, Any]) -> None:
        handler = getattr(self, "_" + str(e["kind"]), None)
        if handler is not None:
            handler(e, int(e.get("seq", 0)), int(e.get("cell", -1)))

    def _probe_installed(self, e, seq, cell):
        self.installed = True

    def _integrity(self, e, seq, cell):
        self.finished = True
        self.tampered = tuple(str(t) for t in e.get("tampered", []))

    def _parts(self, outputs: list[dict[str, Any]]) -> tuple[SplitPart, ...]:
        return tuple(
            SplitPart(
                input=int(o.get("input", 0)),
                part="test" if o.get("part") == "test" else "train",
                rows=self.rows(o.get("rows")),
            )
            for o in outputs
        )

    def _split(self, e, seq, cell):
        self.lists["splits"].append(
            SplitRecord(
                seq=seq,
                cell=cell,
                func=str(e.get("func")),
                inputs=tuple(self.rows(i) for i in e.get("inputs", [])),
                outputs=self._parts(e.get("outputs", [])),
                test_size=e.get("test_size"),
                train_size=e.get("train_size"),
                random_state=e.get("random_state"),
                stratify=bool(e.get("stratify")),
            )
        )

    def _dataset_load(self, e, seq, cell):
        self.lists["splits"].append(
            SplitRecord(
                seq=seq,
                cell=cell,
                func=f"{e.get('name')}.load_data",
                inputs=(),
                outputs=self._parts(e.get("outputs", [])),
                predefined=True,
            )
        )

    def _prep_fit(self, e, seq, cell):
        self.lists["prep_fits"].append(
            PrepFitRecord(
                seq=seq,
                cell=cell,
                estimator=str(e.get("estimator")),
                module=str(e.get("module")),
                mid=str(e.get("mid")),
                input=self.rows(e.get("input")),
                method=str(e.get("method")),
                parts=tuple(str(x) for x in e.get("parts") or ()),
            )
        )

    def _transform(self, e, seq, cell):
        self.lists["transforms"].append(
            TransformRecord(
                seq=seq,
                cell=cell,
                estimator=str(e.get("estimator")),
                mid=str(e.get("mid")),
                input=self.rows(e.get("input")),
                output=self.rows(e.get("output")),
            )
        )

    def _model(self, e, seq, cell):
        mid = str(e.get("mid"))
        self.models[mid] = ModelRecord(
            seq=seq,
            cell=cell,
            mid=mid,
            framework="sklearn" if e.get("framework") == "sklearn" else "keras",
            cls=str(e.get("class")),
            layers=tuple(_layer(x) for x in e.get("layers", []) or []),
            param_count=e.get("param_count"),
            trainable_params=e.get("trainable_params"),
            input_shape=tuple(e["input_shape"]) if isinstance(e.get("input_shape"), list) else None,
            params=dict(e.get("params") or {}),
            final_class=e.get("final_class"),
            steps=tuple(s.get("class", "") for s in e.get("steps") or []),
            layer_sizes=tuple(e.get("layer_sizes") or ()),
            classes=tuple(e.get("classes") or ()),
        )

    def _compile(self, e, seq, cell):
        optimizer = e.get("optimizer") or {}
        self.lists["compiles"].append(
            CompileRecord(
                seq=seq,
                cell=cell,
                mid=str(e.get("mid")),
                optimizer=optimizer.get("name"),
                learning_rate=optimizer.get("learning_rate"),
                loss=_names(e.get("loss"))[0] if _names(e.get("loss")) else None,
                metrics=_names(e.get("metrics")),
            )
        )

    def _fit(self, e, seq, cell):
        v = e.get("validation") or {}
        mode: Literal["none", "data", "split"] = (
            "data" if v.get("mode") == "data" else ("split" if v.get("mode") == "split" else "none")
        )
        history = {
            str(k): tuple(float(x) if x is not None else float("nan") for x in vals)
            for k, vals in (e.get("history") or {}).items()
            if isinstance(vals, list)
        }
        self.lists["fits"].append(
            FitRecord(
                seq=seq,
                cell=cell,
                mid=str(e.get("mid")),
                framework="sklearn" if e.get("framework") == "sklearn" else "keras",
                x=self.rows(e.get("x")),
                y=self.rows(e.get("y")),
                epochs=e.get("epochs"),
                epochs_run=e.get("epochs_run"),
                batch_size=e.get("batch_size"),
                validation=ValidationRecord(
                    mode=mode, x=self.rows(v.get("x")), y=self.rows(v.get("y")), fraction=v.get("fraction")
                ),
                history=history,
                seconds=float(e.get("seconds") or 0.0),
                hyperparams=dict(e.get("hyperparams") or {}),
                callbacks=tuple(e.get("callbacks") or ()),
            )
        )

    def _evaluate(self, e, seq, cell):
        self.lists["evaluations"].append(
            EvaluateRecord(
                seq=seq,
                cell=cell,
                mid=str(e.get("mid")),
                framework=str(e.get("framework")),
                method=str(e.get("method")),
                x=self.rows(e.get("x")),
                y=self.rows(e.get("y")),
                array=e.get("array"),
                array_y=e.get("array_y"),
                result=e.get("result"),
            )
        )

    def _predict(self, e, seq, cell):
        self.lists["predictions"].append(
            PredictRecord(
                seq=seq,
                cell=cell,
                mid=str(e.get("mid")),
                framework=str(e.get("framework")),
                method=str(e.get("method")),
                x=self.rows(e.get("x")),
                array=e.get("array"),
                output=self.rows(e.get("output")),
            )
        )

    def _metric_call(self, e, seq, cell):
        self.lists["metric_calls"].append(
            MetricCallRecord(
                seq=seq,
                cell=cell,
                func=str(e.get("func")),
                y_true=self.rows(e.get("y_true")),
                y_pred=self.rows(e.get("y_pred")),
                value=e.get("value"),
                display=bool(e.get("display")),
                mid=e.get("mid"),
                x=self.rows(e.get("x")),
                array=e.get("array"),
                array_y=e.get("array_y"),
            )
        )

    def _save(self, e, seq, cell):
        self.lists["saves"].append(
            SaveRecord(seq=seq, cell=cell, mid=str(e.get("mid")), path=e.get("path"), format=e.get("format"))
        )

    def _export(self, e, seq, cell):
        self.lists["exports"].append(
            ExportRecord(mid=str(e.get("mid")), framework=e.get("framework"), file=e.get("file"), error=e.get("error"))
        )

    def _search(self, e, seq, cell):
        self.lists["searches"].append(
            SearchRecord(
                seq=seq,
                cell=cell,
                mid=str(e.get("mid")),
                method=str(e.get("method")),
                n_candidates=int(e.get("n_candidates") or 0),
                candidates=tuple(c for c in e.get("candidates", []) if isinstance(c, dict)),
                scores=tuple(float(s) for s in e.get("scores", []) if s is not None),
                best_params=e.get("best_params"),
            )
        )

    def _figure(self, e, seq, cell):
        fig = e.get("figure") or {}
        self.lists["figures"].append(
            FigureRecord(
                seq=seq,
                cell=cell,
                reason=str(e.get("reason")),
                suptitle=str(fig.get("suptitle") or ""),
                legend=tuple(str(t) for t in fig.get("legend", [])),
                axes=tuple(_axes(a) for a in fig.get("axes", [])),
            )
        )

    def _note(self, e, seq, cell):
        self.lists["notes"].append(
            NoteRecord(seq=seq, cell=cell, code=str(e.get("code")), detail=dict(e.get("detail") or {}))
        )


def load_evidence(outcome: ExecutionOutcome) -> Evidence:
    """The raw evidence of one run (before roles, claims and re-evaluation are worked out)."""
    collector = _Collector(outcome.evidence_dir)
    for event in read_events(outcome.evidence_dir):
        try:
            collector.add(event)
        except (TypeError, ValueError, KeyError, AttributeError):
            continue  # a malformed event (a tampering student) is skipped, not fatal
    lists = collector.lists
    return Evidence(
        schema=EVIDENCE_SCHEMA,
        status=outcome.status,
        reason=outcome.reason,
        cells=outcome.cells,
        outputs=read_outputs(outcome.executed_notebook),
        markdown=read_markdown(outcome.executed_notebook),
        splits=tuple(lists["splits"]),
        prep_fits=tuple(lists["prep_fits"]),
        transforms=tuple(lists["transforms"]),
        models=collector.models,
        compiles=tuple(lists["compiles"]),
        fits=tuple(lists["fits"]),
        evaluations=tuple(lists["evaluations"]),
        predictions=tuple(lists["predictions"]),
        metric_calls=tuple(lists["metric_calls"]),
        saves=tuple(lists["saves"]),
        exports=tuple(lists["exports"]),
        searches=tuple(lists["searches"]),
        figures=tuple(lists["figures"]),
        notes=tuple(lists["notes"]),
        tampered=collector.tampered,
        probe_ok=collector.installed and (collector.finished or outcome.status != "completed"),
    )
