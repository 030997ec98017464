"""Read what the probe wrote (events.jsonl + .npy files) into typed records."""

from __future__ import annotations

from typing import Any, Literal

from ..models.evidence import (
    EVIDENCE_SCHEMA,
    CallErrorRecord,
    CompileRecord,
    EvaluateRecord,
    Evidence,
    ExportRecord,
    FigureRecord,
    FitRecord,
    MetricCallRecord,
    ModelRecord,
    NoteRecord,
    PredictRecord,
    PrepFitRecord,
    SaveRecord,
    SearchRecord,
    SplitPart,
    SplitRecord,
    TransformRecord,
    ValidationRecord,
)
from ..models.execution import ExecutionOutcome
from .outputs import read_markdown, read_outputs
from .parse import RowsReader, axes, layer, names, read_events


def _str_dict(value: Any) -> dict[str, str]:
    """A name -> name mapping from an event (anything else is dropped)."""
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}


class _Collector:
    """Turns each event kind into its record."""

    def __init__(self, evidence_dir: str) -> None:
        self.rows = RowsReader(evidence_dir)
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
                "call_errors",
                "figures",
                "notes",
            )
        }
        self.models: dict[str, ModelRecord] = {}
        self.tampered: tuple[str, ...] = ()
        self.altered: tuple[str, ...] = ()
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
        self.altered = tuple(str(t) for t in e.get("altered", []))

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
                output=self.rows(e.get("output")),
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
            layers=tuple(layer(x) for x in e.get("layers", []) or []),
            param_count=e.get("param_count"),
            trainable_params=e.get("trainable_params"),
            input_shape=tuple(e["input_shape"]) if isinstance(e.get("input_shape"), list) else None,
            params=dict(e.get("params") or {}),
            final_class=e.get("final_class"),
            steps=tuple(s.get("class", "") for s in e.get("steps") or []),
            layer_sizes=tuple(e.get("layer_sizes") or ()),
            classes=tuple(e.get("classes") or ()),
            out_activation=e.get("out_activation"),
            fitted=bool(e.get("fitted", True)),
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
                loss=names(e.get("loss"))[0] if names(e.get("loss")) else None,
                metrics=names(e.get("metrics")),
                metric_classes=_str_dict(e.get("metric_classes")),
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
                method=str(e.get("method") or "fit"),
                metric_classes=_str_dict(e.get("metric_classes")),
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

    def _call_error(self, e, seq, cell):
        self.lists["call_errors"].append(
            CallErrorRecord(
                seq=seq,
                cell=cell,
                call=str(e.get("call")),
                framework="sklearn" if e.get("framework") == "sklearn" else "keras",
                mid=str(e["mid"]) if e.get("mid") is not None else None,
                cls=str(e.get("cls") or ""),
                error=str(e.get("error") or "")[:300],
                model=bool(e.get("model", True)),
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
                axes=tuple(axes(a) for a in fig.get("axes", [])),
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
        disk_full_mb=outcome.disk_full_mb,
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
        call_errors=tuple(lists["call_errors"]),
        figures=tuple(lists["figures"]),
        notes=tuple(lists["notes"]),
        tampered=collector.tampered,
        altered=collector.altered,
        probe_ok=collector.installed and (collector.finished or outcome.status != "completed"),
    )
